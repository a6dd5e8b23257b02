"""gettext catalogues for Arabic and English, usable with or without a Flask request.

Flask-Babel reads the same compiled catalogues for request-bound code; workers, SMS and USSD
replies call `t(lang, ...)` with the recipient's language explicitly.
"""
from __future__ import annotations

import functools
import os
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import cast

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

SUPPORTED = ("ar", "en")
DEFAULT = "ar"
TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
BABEL_LOCALES = {"ar": "ar_QA", "en": "en_GB"}


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated later, in the reader's language."""
    return message


def compile_catalogs() -> None:
    """Compile each .po to .mo when the .mo is missing or older (cheap; done at start-up)."""
    for po in TRANSLATIONS_DIR.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f)
        # Write then rename, so concurrent processes never read a half-written file.
        fd, tmp = tempfile.mkstemp(dir=po.parent)
        with os.fdopen(fd, "wb") as out:
            write_mo(out, catalog)
        os.replace(tmp, mo)


@functools.cache
def translations(lang: str) -> Translations:
    compile_catalogs()
    loaded = Translations.load(str(TRANSLATIONS_DIR), [lang if lang in SUPPORTED else DEFAULT])
    return cast(Translations, loaded)  # NullTranslations only if a catalogue went missing


def t(lang: str, message: str, **params: object) -> str:
    text = translations(lang).gettext(message)
    return text % params if params else text


def tn(lang: str, singular: str, plural: str, n: int, **params: object) -> str:
    text = translations(lang).ngettext(singular, plural, n)
    return text % {"n": format_number(n, lang), **params}


def supported(lang: str | None) -> str | None:
    """'ar', 'ar-QA', 'EN_gb' -> the supported base language, else None."""
    if not lang:
        return None
    base = lang.strip().replace("_", "-").split("-")[0].lower()
    return base if base in SUPPORTED else None


def pick(texts: dict[str, str] | None, lang: str) -> str:
    """The text in `lang`, falling back to Arabic, then to any language present."""
    if not texts:
        return ""
    return texts.get(lang) or texts.get(DEFAULT) or next(iter(texts.values()), "")


def format_number(value: int | float | Decimal, lang: str) -> str:
    # Latin digits in both languages: CLDR's ar_QA default would print Arabic-Indic digits,
    # which many residents (and every keypad) do not read back.
    return format_decimal(value, locale=BABEL_LOCALES.get(lang, "ar_QA"),
                          numbering_system="latn")


def format_money(value: int | float | Decimal, lang: str) -> str:
    amount = format_number(value, lang)
    return t(lang, "QAR %(amount)s", amount=amount)
