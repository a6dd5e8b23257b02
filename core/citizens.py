"""Citizen profiles: validation and updates of the data a citizen tells us once."""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from core.errors import Msg, NotFound, ValidationFailed
from core.models import Citizen
from core.qatar import QID_PATTERN, municipality_of_zone, qid_warnings
from i18n.arabic import to_ascii_digits
from i18n.catalogs import N_, SUPPORTED

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,63}$")
PROFILE_FIELDS = ("name", "qid", "language", "email", "address")


def citizen_view(citizen: Citizen) -> dict[str, Any]:
    address = citizen.address or None
    if address:
        address = {**address, "municipality": municipality_of_zone(address["zone"])}
    return {
        "id": citizen.id, "phone": citizen.phone, "name": citizen.name, "qid": citizen.qid,
        "qid_warnings": qid_warnings(citizen.qid) if citizen.qid else [],
        "language": citizen.language, "email": citizen.email, "address": address,
    }


def _small_int(value: Any, low: int, high: int) -> int | None:
    text = to_ascii_digits(str(value)).strip() if value is not None else ""
    if not text.isdigit() or not low <= int(text) <= high:
        return None
    return int(text)


def parse_address(value: Any, errors: dict[str, Msg], field: str = "address") -> dict | None:
    """A Qatari address: zone 1-98 / street / building numbers (the blue QARS plates)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        errors[field] = Msg(N_("Give zone, street and building numbers."))
        return None
    parsed = {"zone": _small_int(value.get("zone"), 1, 98),
              "street": _small_int(value.get("street"), 1, 9999),
              "building": _small_int(value.get("building"), 1, 9999)}
    for part, number in parsed.items():
        if number is None:
            errors[f"{field}.{part}"] = Msg(
                N_("Zone must be 1-98.") if part == "zone" else N_("Must be a number 1-9999."))
    extra = {k: str(value[k])[:100] for k in ("unit", "po_box") if value.get(k)}
    return {**parsed, **extra} if not any(f.startswith(field) for f in errors) else None


def _clean_profile(changes: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Msg] = {}
    clean: dict[str, Any] = {}
    for key in changes:
        if key not in PROFILE_FIELDS:
            errors[key] = Msg(N_("Unknown field."))
    if "name" in changes:
        name = changes["name"]
        if name is not None and (not isinstance(name, str) or not 0 < len(name.strip()) <= 200):
            errors["name"] = Msg(N_("Must be text of 1 to %(max)s characters."), {"max": 200})
        clean["name"] = name.strip() if isinstance(name, str) else None
    if "qid" in changes:
        qid = to_ascii_digits(str(changes["qid"] or "")).replace(" ", "")
        if qid and not QID_PATTERN.match(qid):
            errors["qid"] = Msg(N_("A Qatar ID has 11 digits and starts with 2 or 3."))
        clean["qid"] = qid or None
    if "language" in changes:
        if changes["language"] not in SUPPORTED:
            errors["language"] = Msg(N_("Must be one of: %(choices)s."),
                                     {"choices": ", ".join(SUPPORTED)})
        clean["language"] = changes["language"]
    if "email" in changes:
        email = (changes["email"] or "").strip() if isinstance(changes["email"], str | None) else 0
        if email and (not isinstance(email, str) or not EMAIL.match(email)):
            errors["email"] = Msg(N_("Enter a valid email address."))
        clean["email"] = email or None
    if "address" in changes:
        clean["address"] = parse_address(changes["address"], errors)
    if errors:
        raise ValidationFailed(fields=errors)
    return clean


def update_profile(session: Session, citizen_id: int, changes: Any) -> tuple[Citizen, dict]:
    """Apply a PATCH; returns the citizen and what actually changed (old -> new)."""
    if not isinstance(changes, dict):
        raise ValidationFailed(N_("Send a JSON object."))
    clean = _clean_profile(changes)
    citizen = session.get(Citizen, citizen_id)
    if citizen is None:
        raise NotFound()
    changed = {}
    for key, value in clean.items():
        if getattr(citizen, key) != value:
            changed[key] = {"from": getattr(citizen, key), "to": value}
            setattr(citizen, key, value)
    return citizen, changed
