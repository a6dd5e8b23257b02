"""Phone numbers: every accepted input form to E.164, and who may receive SMS.

Accepted: +974XXXXXXXX, 00974..., 974..., or 8 bare digits (Qatar), with spaces, dashes, bidi
marks and Arabic-Indic digits; other countries' numbers in international form.
"""
from __future__ import annotations

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

from core.errors import invalid
from i18n.arabic import to_ascii_digits
from i18n.catalogs import N_

DEFAULT_REGION = "QA"
_MOBILE_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


def _clean(raw: str) -> str:
    text = to_ascii_digits(raw or "").strip()
    for ch in " -().\u00a0":
        text = text.replace(ch, "")
    if text.startswith("00"):
        text = "+" + text[2:]
    elif text.startswith("974") and len(text) == 11:
        text = "+" + text
    return text


def parse_phone(raw: str) -> phonenumbers.PhoneNumber | None:
    text = _clean(raw)
    if not text or len(text) > 20:
        return None
    try:
        number = phonenumbers.parse(text, DEFAULT_REGION)
    except NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def normalize_phone(raw: str, field: str = "phone") -> str:
    """E.164 or a validation error naming `field`."""
    number = parse_phone(raw)
    if number is None:
        raise invalid(field, N_("Enter a valid phone number, e.g. +974 5512 3456."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_mobile(e164: str) -> bool:
    number = parse_phone(e164)
    return number is not None and phonenumbers.number_type(number) in _MOBILE_TYPES


def normalize_mobile(raw: str, field: str = "phone") -> str:
    """E.164 of a number that can receive SMS; landlines are refused."""
    e164 = normalize_phone(raw, field)
    if not is_mobile(e164):
        raise invalid(field, N_("This number cannot receive SMS; enter a mobile number."))
    return e164
