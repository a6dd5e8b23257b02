"""The one text normaliser used for search documents, search queries and SMS/USSD keywords.

Documents and queries must go through the same function, otherwise a folding applied on one
side only silently breaks matching. The rules (QATAR.md section 4) in the order applied:

1. NFKC: folds presentation forms (incl. lam-alef ligatures) and composes alef + madda etc.
2. Bidi and zero-width controls and tatweel are deleted (not spaced): they sit inside words;
   so are Arabic harakat (U+064B-U+065F, U+0670).
3. Letter folds: Persian/Urdu letters, alef forms, hamza seats, taa marbuta, alef maqsura.
   Hamza seats: ؤ -> و and ئ -> ي, except ئ/ء written before و (the Egyptian spelling of
   مسئول, شئون) which also becomes و, so مسؤول == مسئول == مسوول. A lone ء is kept.
4. Case folding, then Latin accents are dropped (NFD, then combining marks removed).
5. Every Unicode decimal digit becomes ASCII.
6. Everything that is not a letter or digit (punctuation, search syntax, emoji) becomes a
   space and whitespace collapses.
"""
from __future__ import annotations

import re
import unicodedata

# Format characters that change rendering only; users paste them along with numbers and names.
_INVISIBLE = (
    "\u00ad\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)
_TATWEEL = "\u0640"

_LETTER_FOLDS = {
    # Persian / Urdu keyboard letters (Lucene PersianNormalizer)
    "\u06cc": "\u064a",  # ی farsi yeh
    "\u06d2": "\u064a",  # ے yeh barree
    "\u06d3": "\u064a",  # ۓ yeh barree with hamza
    "\u06a9": "\u0643",  # ک keheh
    "\u06aa": "\u0643",  # ڪ swash kaf
    "\u06c0": "\u0647",  # ۀ heh with yeh above
    "\u06c1": "\u0647",  # ہ heh goal
    "\u06c2": "\u0647",  # ۂ heh goal with hamza
    "\u06d5": "\u0647",  # ە ae (used as final heh)
    "\u06be": "\u0647",  # ھ heh doachashmee
    # alef forms
    "\u0622": "\u0627",  # آ
    "\u0623": "\u0627",  # أ
    "\u0625": "\u0627",  # إ
    "\u0671": "\u0627",  # ٱ alef wasla
    "\u0672": "\u0627",  # ٲ
    "\u0673": "\u0627",  # ٳ
    # hamza seats (ئ before و is handled by _HAMZA_BEFORE_WAW first)
    "\u0624": "\u0648",  # ؤ -> و
    "\u0626": "\u064a",  # ئ -> ي
    # taa marbuta and alef maqsura
    "\u0629": "\u0647",  # ة -> ه
    "\u0649": "\u064a",  # ى -> ي
}
_DELETE_TABLE = str.maketrans({c: None for c in _INVISIBLE + _TATWEEL})
_FOLD_TABLE = str.maketrans(_LETTER_FOLDS)

# Egyptian orthography writes ئ (or ء) where Gulf writes ؤ when a long و follows.
_HAMZA_BEFORE_WAW = re.compile("[\u0626\u0621](?=\u0648)")
# Combining marks: Latin accents (after NFD), Arabic harakat incl. U+0653-U+065F and U+0670,
# Quranic annotation marks. Matched as ranges so no per-character Python loop is needed.
_COMBINING = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    "\u06d6-\u06ed\u08d3-\u08ff\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+"
)
_NON_ASCII_DIGITS = re.compile(r"(?:(?![0-9])\d)+")
_NON_WORD = re.compile(r"[\W_]+")
_ARABIC_LETTER = re.compile("[\u0621-\u064a\u0671-\u06d3\u06fa-\u06ff\u0750-\u077f\u08a0-\u08c9]")
_LATIN_THEN_ARABIC = re.compile("(?<=[a-z])(?=[\u0600-\u06ff])|(?<=[\u0600-\u06ff])(?=[a-z])")

_DIGITS = "0123456789"
_EASTERN_DIGITS = str.maketrans(
    {**{chr(0x0660 + i): _DIGITS[i] for i in range(10)},
     **{chr(0x06F0 + i): _DIGITS[i] for i in range(10)},
     **{c: None for c in _INVISIBLE}}
)


def _digit_run_to_ascii(match: re.Match[str]) -> str:
    return "".join(str(unicodedata.decimal(ch, 0)) for ch in match.group())


def to_ascii_digits(text: str) -> str:
    """Map every Unicode decimal digit to ASCII and drop bidi/zero-width marks; nothing else.

    For phones, references, QIDs and service numbers, where punctuation must survive.
    """
    text = text.translate(_EASTERN_DIGITS)
    if text.isascii():
        return text
    return _NON_ASCII_DIGITS.sub(_digit_run_to_ascii, text)


def _fold_non_ascii(text: str) -> str:
    # Marks go before the hamza rule so that a damma or tatweel between ئ and و cannot hide it.
    text = _COMBINING.sub("", unicodedata.normalize("NFKC", text).translate(_DELETE_TABLE))
    text = _HAMZA_BEFORE_WAW.sub("\u0648", text)
    text = text.translate(_FOLD_TABLE).casefold()
    if not text.isascii():
        # NFD exposes Latin accents as combining marks; Arabic letters were folded above.
        text = _COMBINING.sub("", unicodedata.normalize("NFD", text))
    return _NON_ASCII_DIGITS.sub(_digit_run_to_ascii, text)


def normalize(text: str) -> str:
    """Search form of `text`: folded letters, ASCII digits, single spaces, no punctuation."""
    if not text:
        return ""
    text = text.lower() if text.isascii() else _fold_non_ascii(text)
    return " ".join(_NON_WORD.sub(" ", text).split())


def tokenize(text: str) -> list[str]:
    """Normalised word tokens; an Arabic run glued to a Latin run is split in two."""
    normal = normalize(text)
    if normal.isascii():
        return normal.split()
    return _LATIN_THEN_ARABIC.sub(" ", normal).split()


def is_arabic(text: str) -> bool:
    """True when `text` contains at least one Arabic-script letter."""
    return bool(text) and _ARABIC_LETTER.search(text) is not None
