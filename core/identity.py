"""Who is calling, resolved from a bearer token or an agency API key."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from core.db import transaction
from core.errors import Forbidden, NotFound, Unauthorized, invalid
from core.models import Agency, ApiKey, Citizen, StaffMember
from core.phones import normalize_phone
from core.tokens import decode_access
from i18n.catalogs import N_

STAFF_ROLES = ("viewer", "officer", "manager")  # each can do what the one before can
API_KEY_PREFIX = "bwb"


@dataclass(frozen=True)
class Caller:
    kind: str  # citizen | staff | api_key
    id: int
    agency_id: int | None = None
    agency_code: str | None = None
    role: str | None = None

    @property
    def actor(self) -> str:
        return f"{self.kind}:{self.id}"

    def require_role(self, role: str) -> None:
        """API keys act for the whole agency system; staff need the role or a higher one."""
        if self.kind == "staff" and STAFF_ROLES.index(self.role or "viewer") < STAFF_ROLES.index(
                role):
            raise Forbidden()


def claims_for(subject: str) -> dict[str, Any]:
    kind, _, raw_id = subject.partition(":")
    if kind == "citizen":
        return {"role": "citizen"}
    with transaction() as session:
        staff = session.get(StaffMember, int(raw_id))
        if staff is None or not staff.active:
            raise Unauthorized()
        return {"role": "staff", "agency": staff.agency.code, "staff_role": staff.role}


def caller_from_token(token: str) -> Caller:
    claims = decode_access(token)
    kind, _, raw_id = str(claims["sub"]).partition(":")
    if not raw_id.isdigit() or kind not in ("citizen", "staff"):
        raise Unauthorized()
    if kind == "citizen":
        return Caller("citizen", int(raw_id))
    with transaction() as session:
        staff = session.get(StaffMember, int(raw_id))
        if staff is None or not staff.active:
            raise Unauthorized()  # removed staff lose access at once, not at token expiry
        return Caller("staff", staff.id, staff.agency_id, staff.agency.code, staff.role)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_key(agency_code: str) -> str:
    """A new key for an agency; only its hash is stored, so this is the one time it is seen."""
    with transaction() as session:
        agency = session.scalar(select(Agency).where(Agency.code == agency_code.upper()))
        if agency is None:
            raise NotFound(N_("Unknown agency."))
        prefix, secret = secrets.token_hex(4), secrets.token_urlsafe(32)
        session.add(ApiKey(agency_id=agency.id, prefix=prefix, key_hash=_digest(secret)))
    return f"{API_KEY_PREFIX}_{prefix}_{secret}"


def caller_from_api_key(key: str) -> Caller:
    parts = (key or "").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != API_KEY_PREFIX:
        raise Unauthorized(N_("The API key is not valid."))
    with transaction() as session:
        row = session.scalar(select(ApiKey).where(ApiKey.prefix == parts[1]))
        if row is None or row.revoked_at is not None or not hmac.compare_digest(
                row.key_hash, _digest(parts[2])):
            raise Unauthorized(N_("The API key is not valid."))
        return Caller("api_key", row.id, row.agency_id, row.agency.code, "system")


def create_staff(phone_raw: str, agency_code: str, role: str) -> StaffMember:
    if role not in STAFF_ROLES:
        raise invalid("role", N_("Must be one of: %(choices)s."), choices=", ".join(STAFF_ROLES))
    phone = normalize_phone(phone_raw)
    with transaction() as session:
        agency = session.scalar(select(Agency).where(Agency.code == agency_code.upper()))
        if agency is None:
            raise NotFound(N_("Unknown agency."))
        staff = session.scalar(select(StaffMember).where(StaffMember.phone == phone))
        if staff is None:
            staff = StaffMember(phone=phone, agency_id=agency.id, role=role, active=True)
            session.add(staff)
        staff.agency_id, staff.role, staff.active = agency.id, role, True
        session.flush()
        return staff


def staff_by_phone(phone: str) -> StaffMember | None:
    with transaction() as session:
        return session.scalar(select(StaffMember).where(StaffMember.phone == phone,
                                                        StaffMember.active.is_(True)))


def citizen_for_phone(phone: str, language: str) -> Citizen:
    """The citizen with this phone, created on first sign-in."""
    with transaction() as session:
        citizen = session.scalar(select(Citizen).where(Citizen.phone == phone))
        if citizen is None:
            citizen = Citizen(phone=phone, language=language)
            session.add(citizen)
            session.flush()
        return citizen
