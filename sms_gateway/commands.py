"""The SMS command language: first word is the keyword (either language, any case, Arabic
normalised), the rest are arguments (Arabic-Indic digits accepted).

The keyword's language is the reply's language; a message with no keyword is answered in the
sender's saved language, else in the script it was written in, else Arabic."""
from __future__ import annotations

from dataclasses import dataclass

from i18n.arabic import is_arabic, normalize, to_ascii_digits

# normalised keyword -> (command, language of the keyword)
KEYWORDS: dict[str, tuple[str, str]] = {
    "help": ("HELP", "en"), "menu": ("HELP", "en"), "?": ("HELP", "en"),
    "مساعده": ("HELP", "ar"), "قائمه": ("HELP", "ar"),
    "find": ("FIND", "en"), "search": ("FIND", "en"), "svc": ("FIND", "en"),
    "بحث": ("FIND", "ar"), "خدمه": ("FIND", "ar"), "ابحث": ("FIND", "ar"),
    "more": ("MORE", "en"), "next": ("MORE", "en"),
    "المزيد": ("MORE", "ar"), "مزيد": ("MORE", "ar"), "التالي": ("MORE", "ar"),
    "info": ("INFO", "en"), "details": ("INFO", "en"), "معلومات": ("INFO", "ar"),
    "تفاصيل": ("INFO", "ar"),
    "status": ("STATUS", "en"), "track": ("STATUS", "en"), "حاله": ("STATUS", "ar"),
    "متابعه": ("STATUS", "ar"),
    "complain": ("COMPLAIN", "en"), "complaint": ("COMPLAIN", "en"), "شكوي": ("COMPLAIN", "ar"),
    "office": ("OFFICE", "en"), "offices": ("OFFICE", "en"), "مكتب": ("OFFICE", "ar"),
    "مكاتب": ("OFFICE", "ar"),
    # Twilio's own opt-out words are honoured too: they reach us as well as Twilio.
    "stop": ("STOP", "en"), "stopall": ("STOP", "en"), "unsubscribe": ("STOP", "en"),
    "cancel": ("STOP", "en"), "quit": ("STOP", "en"), "end": ("STOP", "en"),
    "ايقاف": ("STOP", "ar"), "الغاء": ("STOP", "ar"), "توقف": ("STOP", "ar"),
    "start": ("START", "en"), "unstop": ("START", "en"), "subscribe": ("START", "en"),
    "اشتراك": ("START", "ar"), "تشغيل": ("START", "ar"),
    "lang": ("LANG", "en"), "language": ("LANG", "en"), "لغه": ("LANG", "ar"),
}
LANGUAGE_WORDS = {"ar": "ar", "arabic": "ar", "عربي": "ar", "العربيه": "ar", "عربيه": "ar",
                  "en": "en", "english": "en", "انجليزي": "en", "الانجليزيه": "en"}
MAX_BODY = 1600


@dataclass(frozen=True)
class Command:
    name: str  # HELP FIND MORE INFO STATUS COMPLAIN OFFICE STOP START LANG, or UNKNOWN / EMPTY
    args: str  # the rest of the message as typed (digits made ASCII)
    language: str | None  # the keyword's language; None when there was no keyword


def _script_language(text: str) -> str | None:
    return "ar" if is_arabic(text) else ("en" if any(c.isalpha() for c in text) else None)


def parse(body: str) -> Command:
    text = to_ascii_digits(body or "")[:MAX_BODY].strip()
    if not text:
        return Command("EMPTY", "", None)
    first, _, rest = text.partition(" ")
    words = normalize(first).split()
    match = KEYWORDS.get(words[0]) if words else None
    if match is None and first.strip() in KEYWORDS:
        match = KEYWORDS[first.strip()]
    if match is None:
        return Command("UNKNOWN", text, _script_language(text))
    return Command(match[0], rest.strip(), match[1])


def language_argument(args: str) -> str | None:
    words = normalize(args).split()
    return LANGUAGE_WORDS.get(words[0]) if words else None
