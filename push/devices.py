"""Device tokens as the push jobs need them, and pruning of the ones FCM says are dead."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.models import Device


def tokens_of(session: Session, citizen_ids: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
    """citizen id -> [(token, language)] for every registered device."""
    found: dict[int, list[tuple[str, str]]] = {}
    rows = session.execute(select(Device.citizen_id, Device.token, Device.language)
                           .where(Device.citizen_id.in_(list(citizen_ids))))
    for citizen_id, token, language in rows:
        found.setdefault(citizen_id, []).append((token, language))
    return found


def prune(session: Session, tokens: Iterable[str]) -> int:
    tokens = list(tokens)
    if not tokens:
        return 0
    result = session.execute(delete(Device).where(Device.token.in_(tokens)))
    return getattr(result, "rowcount", 0) or 0
