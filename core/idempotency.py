"""Idempotency-Key: a replay of a create call returns the first response, byte for byte.

The record is written in the same transaction as the thing it created, so a crash cannot
leave one without the other; a concurrent duplicate loses on the unique (scope, key) and
is answered from the winner's record."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.db import transaction
from core.errors import Conflict, invalid
from core.models import IdempotencyRecord
from i18n.catalogs import N_

Created = tuple[int, Any]  # (HTTP-like status, JSON body)
MAX_KEY = 255


def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(b"\n".join([method.encode(), path.encode(), body])).hexdigest()


def _replay(session: Session, scope: str, key: str, print_: str) -> Created | None:
    record = session.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.scope == scope, IdempotencyRecord.key == key))
    if record is None:
        return None
    if record.fingerprint != print_:
        raise Conflict(N_("This Idempotency-Key was already used for a different request."))
    return record.status, json.loads(record.body)


def run(scope: str, key: str | None, print_: str,
        create: Callable[[Session], Created]) -> tuple[Created, bool]:
    """(status, body), replayed? — `create` runs at most once per (scope, key)."""
    if key is None:
        with transaction() as session:
            return create(session), False
    if not 0 < len(key) <= MAX_KEY:
        raise invalid("Idempotency-Key", N_("Must be at most %(max)s characters."), max=MAX_KEY)
    for _ in range(2):
        try:
            with transaction() as session:
                replay = _replay(session, scope, key, print_)
                if replay is not None:
                    return replay, True
                status, body = create(session)
                session.add(IdempotencyRecord(scope=scope, key=key, fingerprint=print_,
                                              status=status, body=json.dumps(body)))
                session.flush()
                return (status, body), False
        except IntegrityError:
            continue  # a concurrent twin won the race: answer from its record
    raise Conflict()
