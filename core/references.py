"""Case references: 10 digits, the last a Luhn check digit, so a keypad typo is caught
before any lookup. Requests and complaints share one space (table case_references)."""
from __future__ import annotations

import secrets

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.models import CaseReference
from i18n.arabic import to_ascii_digits

LENGTH = 10


def luhn_check_digit(payload: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(payload)):
        digit = int(ch)
        if i % 2 == 0:  # doubled: these positions sit left of the check digit
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return str((10 - total % 10) % 10)


def clean(raw: str) -> str:
    """Arabic-Indic digits to ASCII; spaces, dashes and bidi marks dropped."""
    text = to_ascii_digits(raw or "")
    return "".join(ch for ch in text if ch.isdigit() or ch.isalpha())


def looks_like_reference(raw: str) -> bool:
    text = clean(raw)
    return len(text) == LENGTH and text.isdigit()


def is_valid(raw: str) -> bool:
    text = clean(raw)
    return looks_like_reference(text) and luhn_check_digit(text[:-1]) == text[-1]


# RETURNING tells whether the row went in (rowcount is not reliable for every driver).
_TABLE = CaseReference.__table__
_INSERTS = {name: module.insert(_TABLE).on_conflict_do_nothing().returning(_TABLE.c.reference)
            for name, module in (("postgresql", postgresql), ("sqlite", sqlite))}


def _insert_ignoring_duplicates(session: Session):  # type: ignore[no-untyped-def]
    return _INSERTS[session.get_bind().dialect.name]


def issue(session: Session, kind: str) -> str:
    """A fresh reference, reserved in this transaction (one INSERT; a clash just retries)."""
    while True:
        payload = str(secrets.randbelow(9 * 10 ** (LENGTH - 2)) + 10 ** (LENGTH - 2))
        reference = payload + luhn_check_digit(payload)
        inserted = session.execute(_insert_ignoring_duplicates(session),
                                   {"reference": reference, "kind": kind}).scalar()
        if inserted is not None:
            return reference
