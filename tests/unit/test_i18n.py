"""The catalogues: every message has its Arabic, plurals follow Arabic's six forms, numbers
and languages are negotiated as the contract says."""
from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from i18n.catalogs import TRANSLATIONS_DIR, format_money, format_number, pick, tn
from i18n.locale import negotiate, parse_accept_language


def test_every_message_has_an_arabic_translation():
    with (TRANSLATIONS_DIR / "ar/LC_MESSAGES/messages.po").open("rb") as f:
        catalog = read_po(f, locale="ar")
    missing = [m.id for m in catalog if m.id and not (
        all(m.string) if isinstance(m.string, tuple) else m.string)]
    assert missing == []


@pytest.mark.parametrize("n, expected", [
    (1, "وجدنا خدمة واحدة:"), (2, "وجدنا خدمتين:"), (5, "وجدنا 5 خدمات:"),
    (11, "وجدنا 11 خدمة:"), (100, "وجدنا 100 خدمة:"),
])
def test_arabic_plurals_use_the_right_form(n, expected):
    assert tn("ar", "%(n)s service found:", "%(n)s services found:", n) == expected


def test_english_plurals():
    assert tn("en", "%(n)s service found:", "%(n)s services found:", 1) == "1 service found:"
    assert tn("en", "%(n)s service found:", "%(n)s services found:", 1500) == (
        "1,500 services found:")


def test_money_and_numbers_per_locale():
    assert format_money(1500, "en") == "QAR 1,500"
    assert format_money(500, "ar") == "500 ر.ق."
    assert format_number(2.5, "en") == "2.5"


@pytest.mark.parametrize("explicit, header, expected", [
    (None, None, "ar"), ("en", None, "en"), ("EN-gb", None, "en"), ("fr", "en", "ar"),
    (None, "en-US,en;q=0.9,ar;q=0.8", "en"), (None, "fr, ar;q=0.5", "ar"),
    (None, "de, fr", "ar"), (None, "ar;q=0.1, en;q=0.9", "en"), (None, "en;q=0", "ar"),
])
def test_language_negotiation(explicit, header, expected):
    assert negotiate(explicit, header) == expected


def test_accept_language_is_parsed_by_quality():
    assert parse_accept_language("ar;q=0.2, en;q=0.8, fr") == ["fr", "en", "ar"]


def test_pick_falls_back_to_arabic():
    assert pick({"ar": "نص"}, "en") == "نص"
    assert pick({}, "en") == ""
