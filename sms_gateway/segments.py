"""SMS segment and USSD screen arithmetic (GSM 03.38 / UCS-2), pure Python.

Why this exists: a reply must fit in 3 SMS segments (contract §4) and a USSD screen in 182
GSM-7 septets or 80 UCS-2 code units (contract §5). The numbers below match what Twilio
bills and what its public segment calculator shows:

* GSM-7: a single message holds 160 septets; a concatenated one 153 per segment (the 6-byte
  user-data header eats 7 septets). Extension-table characters (``^ { } \\ [ ~ ] | €`` and form
  feed) are sent as ESC + char, so they cost 2 septets, and the pair is never split across two
  segments (a phone would otherwise render a stray ESC).
* UCS-2 (really UTF-16): 70 code units single, 67 per concatenated segment. Characters outside
  the BMP (most emoji) are surrogate pairs = 2 units, and a pair is never split either.
* Empty text counts as 0 segments: nothing is sent, so nothing is billed. (Twilio rejects an
  empty Body with error 21602 rather than billing a segment.)
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

Encoding = Literal["GSM-7", "UCS-2"]

GSM7: Encoding = "GSM-7"
UCS2: Encoding = "UCS-2"

# GSM 03.38 default alphabet, in code-point order 0x00..0x7F, minus 0x1B (ESC, not a character).
# The Greek capitals are written as escapes so no Latin look-alike can sneak in.
GSM7_BASIC: frozenset[str] = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039eÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)

# Extension table characters reachable through ESC; each costs 2 septets.
GSM7_EXTENSION: frozenset[str] = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE = 160
GSM7_MULTI = 153
UCS2_SINGLE = 70
UCS2_MULTI = 67

USSD_GSM7_LIMIT = 182
USSD_UCS2_LIMIT = 80


@dataclass(frozen=True)
class SegmentInfo:
    """Result of :func:`count`.

    ``units`` is septets for GSM-7 and UTF-16 code units for UCS-2. ``per_segment_limit`` is
    160/70 while the text fits one message and 153/67 once it is concatenated.
    """

    encoding: Encoding
    units: int
    segments: int
    per_segment_limit: int


def is_gsm7_char(char: str) -> bool:
    return char in GSM7_BASIC or char in GSM7_EXTENSION


def encoding_for(text: str) -> Encoding:
    """GSM-7 iff every character is in the basic or extension table, else UCS-2."""
    return GSM7 if all(is_gsm7_char(c) for c in text) else UCS2


def _char_cost(char: str, encoding: Encoding) -> int:
    # The cost is also the atom that may not straddle a segment boundary.
    if encoding == GSM7:
        return 2 if char in GSM7_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1


def _costs(text: str, encoding: Encoding) -> list[int]:
    return [_char_cost(c, encoding) for c in text]


def _limits(encoding: Encoding) -> tuple[int, int]:
    return (GSM7_SINGLE, GSM7_MULTI) if encoding == GSM7 else (UCS2_SINGLE, UCS2_MULTI)


def _pack(costs: list[int], single: int, multi: int) -> int:
    """Number of segments when atoms of the given costs are packed greedily in order."""
    total = sum(costs)
    if total == 0:
        return 0
    if total <= single:
        return 1
    segments, used = 1, 0
    for cost in costs:
        if used + cost > multi:  # the atom would straddle: it opens the next segment
            segments += 1
            used = 0
        used += cost
    return segments


def count(text: str) -> SegmentInfo:
    """Encoding, length in units and number of SMS segments of ``text``."""
    encoding = encoding_for(text)
    costs = _costs(text, encoding)
    single, multi = _limits(encoding)
    segments = _pack(costs, single, multi)
    limit = single if segments <= 1 else multi
    return SegmentInfo(encoding, sum(costs), segments, limit)


def max_units(encoding: Encoding, segments: int) -> int:
    """Capacity of ``segments`` segments, ignoring boundary waste (e.g. GSM-7 x3 = 459)."""
    single, multi = _limits(encoding)
    return single if segments == 1 else multi * segments


def fits(text: str, max_segments: int = 3) -> bool:
    return count(text).segments <= max_segments


def _word_ends(text: str) -> list[int]:
    """Indices i where text[:i] ends a word (a non-space followed by whitespace)."""
    return [i for i in range(1, len(text)) if text[i].isspace() and not text[i - 1].isspace()]


def _largest_fitting(candidates: list[int], text: str, suffix: str, max_segments: int) -> int:
    """Largest candidate n (ascending list) with text[:n] + suffix fitting, else 0.

    Binary search is valid because fitting is monotone in the prefix length: within one
    encoding a longer prefix never needs fewer segments, and when a longer prefix switches
    GSM-7 -> UCS-2 the shorter GSM-7 prefix still fits (k GSM-7 segments hold at least twice
    what k UCS-2 segments hold, and a GSM-7 char costs at most 2 septets).
    """
    lo, hi, best = 0, len(candidates) - 1, 0
    while lo <= hi:
        mid = (lo + hi) // 2
        if fits(text[: candidates[mid]] + suffix, max_segments):
            best = candidates[mid]
            lo = mid + 1
        else:
            hi = mid - 1
    return best


def _char_cut(text: str, suffix: str, max_segments: int) -> int:
    """Longest code-point prefix that fits, not separating a base letter from its marks."""
    n = _largest_fitting(list(range(1, len(text) + 1)), text, suffix, max_segments)
    # Arabic harakat etc. are combining marks; cutting before one would orphan it.
    while 0 < n < len(text) and unicodedata.combining(text[n]):
        n -= 1
    return n


def fit_parts(text: str, max_segments: int = 3, suffix: str = "") -> tuple[str, str]:
    """Split ``text`` into (head, rest) so that ``head + suffix`` fits in ``max_segments``.

    ``rest`` is empty when the whole text fits (and the suffix is then not needed). The cut is
    at a word boundary; a word is only cut mid-way when it could never fit on a page by itself.
    Raises ``ValueError`` if even the suffix alone does not fit.
    """
    if fits(text, max_segments):
        return text, ""
    if not fits(suffix, max_segments):
        raise ValueError(f"suffix alone does not fit in {max_segments} segments")
    cut = _largest_fitting(_word_ends(text), text, suffix, max_segments)
    next_word = text[cut:].split(maxsplit=1)[0] if text[cut:].strip() else ""
    if not fits(next_word + suffix, max_segments):
        # The next word is longer than a whole page: fill this page with as much as fits.
        cut = _char_cut(text, suffix, max_segments)
    return text[:cut].rstrip(), text[cut:].lstrip()


def fit(text: str, max_segments: int = 3, suffix: str = "") -> str:
    """``text`` unchanged if it fits, else its longest word-boundary prefix + ``suffix``.

    The suffix (e.g. " …MORE") is appended verbatim and counted together with the prefix, so an
    Arabic suffix on a GSM-7 text correctly turns the whole message into UCS-2.
    """
    head, rest = fit_parts(text, max_segments, suffix)
    return head if not rest else head + suffix


def screen_length(text: str) -> int:
    """USSD screen length: septets (extension chars = 2) for GSM-7, UTF-16 units for UCS-2."""
    encoding = encoding_for(text)
    return sum(_costs(text, encoding))


def screen_fits(
    text: str, gsm_limit: int = USSD_GSM7_LIMIT, ucs2_limit: int = USSD_UCS2_LIMIT
) -> bool:
    """True if ``text`` fits one USSD screen (182 GSM-7 septets or 80 UCS-2 units)."""
    limit = gsm_limit if encoding_for(text) == GSM7 else ucs2_limit
    return screen_length(text) <= limit
