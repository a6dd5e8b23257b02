"""Phone sign-in codes: 6 digits, stored as HMACs, 5 minutes, 5 wrong tries kill a code,
a new code only after 60 seconds. The SMS leaves through the outbox on the `otp` queue."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core import outbox
from core.config import get_settings
from core.db import transaction
from core.errors import RateLimited, Unauthorized
from core.models import OtpCode
from core.phones import normalize_mobile
from core.times import aware
from i18n.catalogs import N_, t

CODE_TTL = dt.timedelta(minutes=5)
RESEND_AFTER = dt.timedelta(seconds=60)
MAX_WRONG = 5
BAD_CODE = N_("The code is wrong or has expired. Request a new one.")


def _hash(phone: str, code: str) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def _latest(session: Session, phone: str) -> OtpCode | None:
    return session.scalar(select(OtpCode).where(OtpCode.phone == phone)
                          .order_by(OtpCode.id.desc()).limit(1).with_for_update())


def request_code(phone_raw: str, language: str) -> str:
    """Send a new code to a mobile number; returns the E.164 phone."""
    phone = normalize_mobile(phone_raw)
    now = outbox.now()
    with transaction() as session:
        latest = _latest(session, phone)
        if latest is not None and now - aware(latest.created_at) < RESEND_AFTER:
            wait = RESEND_AFTER - (now - aware(latest.created_at))
            raise RateLimited(max(1, int(wait.total_seconds()) + 1),
                              N_("Please wait before asking for another code."))
        session.execute(update(OtpCode).where(OtpCode.phone == phone, OtpCode.used_at.is_(None))
                        .values(used_at=now))  # a new code retires the previous ones
        code = f"{secrets.randbelow(10**6):06d}"
        session.add(OtpCode(phone=phone, code_hash=_hash(phone, code), attempts=0,
                            created_at=now, expires_at=now + CODE_TTL))
        body = t(language, "Your Bawaba code is %(code)s. It expires in 5 minutes. "
                           "Never share it with anyone.", code=code)
        outbox.add_sms(session, to=phone, body=body, kind="otp", language=language)
    return phone


def verify_code(phone_raw: str, code: str) -> str:
    """The E.164 phone when the code is right; each wrong try counts, even across requests."""
    phone = normalize_mobile(phone_raw)
    code = "".join(ch for ch in code if ch.isdigit())
    with transaction() as session:
        latest = _latest(session, phone)
        if (latest is None or latest.used_at is not None or latest.attempts >= MAX_WRONG
                or aware(latest.expires_at) < outbox.now()):
            raise Unauthorized(BAD_CODE)
        if not hmac.compare_digest(latest.code_hash, _hash(phone, code)):
            latest.attempts += 1
            failed = True
        else:
            latest.used_at = outbox.now()
            failed = False
    if failed:  # raised after the commit so the wrong try is counted
        raise Unauthorized(BAD_CODE)
    return phone
