"""Access tokens (short-lived JWT) and rotating refresh tokens with reuse detection."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections import OrderedDict
from typing import Any

import jwt
from sqlalchemy import select, update

from core.config import get_settings
from core.db import transaction
from core.errors import Unauthorized
from core.models import RefreshToken
from core.times import aware
from core.times import utcnow as now
from i18n.catalogs import N_

ACCESS_TTL = dt.timedelta(minutes=15)
REFRESH_TTL = dt.timedelta(days=30)
ALGORITHM = "HS256"
BAD_TOKEN = N_("Your session has expired or is not valid. Sign in again.")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _access_token(subject: str, claims: dict[str, Any]) -> str:
    issued = now()
    payload = {"sub": subject, "iat": issued, "exp": issued + ACCESS_TTL,
               "jti": secrets.token_hex(8), **claims}
    return jwt.encode(payload, get_settings().secret_key, algorithm=ALGORITHM)


def _pair(session: Any, subject: str, claims: dict[str, Any], family: str) -> dict[str, Any]:
    refresh = secrets.token_urlsafe(32)
    session.add(RefreshToken(token_hash=_digest(refresh), family=family, subject=subject,
                             created_at=now(), expires_at=now() + REFRESH_TTL))
    return {"access_token": _access_token(subject, claims), "refresh_token": refresh,
            "token_type": "Bearer", "expires_in": int(ACCESS_TTL.total_seconds())}


def issue_pair(subject: str, claims: dict[str, Any]) -> dict[str, Any]:
    with transaction() as session:
        return _pair(session, subject, claims, secrets.token_hex(16))


def rotate(refresh_token: str, claims_for: Any) -> dict[str, Any]:
    """A new pair for a valid refresh token. Presenting a used one revokes its family."""
    reused = False
    with transaction() as session:
        row = session.scalar(select(RefreshToken).where(
            RefreshToken.token_hash == _digest(refresh_token or "")).with_for_update())
        if row is None or row.revoked_at is not None:
            raise Unauthorized(BAD_TOKEN)
        expires = aware(row.expires_at)
        if row.used_at is not None:
            session.execute(update(RefreshToken).where(RefreshToken.family == row.family)
                            .values(revoked_at=now()))
            reused = True
        elif expires < now():
            raise Unauthorized(BAD_TOKEN)
        else:
            row.used_at = now()
            return _pair(session, row.subject, claims_for(row.subject), row.family)
    if reused:  # after commit, so the revocation sticks
        raise Unauthorized(BAD_TOKEN)
    raise Unauthorized(BAD_TOKEN)


_verified: OrderedDict[str, dict[str, Any]] = OrderedDict()
_VERIFIED_MAX = 4096


def decode_access(token: str) -> dict[str, Any]:
    """The token's claims, or 401. A token verified before is not verified again (an app
    sends the same one for 15 minutes); its expiry is still checked on every use."""
    claims = _verified.get(token)
    if claims is None:
        try:
            claims = jwt.decode(token, get_settings().secret_key, algorithms=[ALGORITHM],
                                options={"require": ["exp", "sub"]})
        except jwt.PyJWTError as exc:
            raise Unauthorized(BAD_TOKEN) from exc
        _verified[token] = claims
        if len(_verified) > _VERIFIED_MAX:
            _verified.popitem(last=False)
    if claims["exp"] <= now().timestamp():
        _verified.pop(token, None)
        raise Unauthorized(BAD_TOKEN)
    return claims
