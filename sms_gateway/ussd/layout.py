"""Fitting text on one USSD screen: 182 GSM-7 septets, or 80 UCS-2 units once any character
(any Arabic) needs UCS-2 (contract section 5). Pure functions, no I/O.

Sizes are measured with `sms_gateway.segments`, the same arithmetic the SMS side bills by.
The prefix `CON `/`END ` is protocol framing, not shown on the handset, so it is not counted.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from sms_gateway.segments import GSM7_EXTENSION, screen_fits, screen_length

log = logging.getLogger(__name__)

MAX_ITEMS_PER_PAGE = 9  # one key per choice; 98 and 0 stay free for "more" and "back"
_SPACES = re.compile(r"\s+")
# Typography that is not GSM-7 but has a GSM-7 twin: one curly quote in an English name
# would otherwise turn the whole screen into UCS-2 and cut it from 182 to 80 characters.
_TYPOGRAPHY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                             "\u2013": "-", "\u2014": "-", "\u00a0": " ", "\u2026": "..."})


def ellipsis_for(lang: str) -> str:
    # "…" is not GSM-7: on an English screen it would switch the whole screen to UCS-2 and
    # shrink it from 182 to 80 characters, so English screens use three dots.
    return "…" if lang == "ar" else "..."


def one_line(text: str) -> str:
    """Whitespace (newlines included) collapsed: a name must never break the screen's lines."""
    return _SPACES.sub(" ", (text or "").translate(_TYPOGRAPHY)).strip()


def _cost(char: str) -> int:
    # The worst case over both encodings, so a cut is safe whatever the screen ends up using.
    return 2 if char in GSM7_EXTENSION or ord(char) > 0xFFFF else 1


def width(text: str) -> int:
    return sum(_cost(c) for c in text)


def _prefix_within(text: str, room: int) -> str:
    used = 0
    for i, char in enumerate(text):
        used += _cost(char)
        if used > room:
            return text[:i]
    return text


def shorten(text: str, room: int, ellipsis: str) -> str:
    """`text` on one line, cut to `room` units with `ellipsis` when it is longer."""
    text = one_line(text)
    if width(text) <= room:
        return text
    head = _prefix_within(text, room - width(ellipsis)).rstrip()
    return head + ellipsis if head else _prefix_within(text, room)


def shorten_name(text: str, room: int, ellipsis: str) -> str:
    """Names like "Ministry of X (Kahramaa)" give way to their short form in brackets, and
    "Service Complex - Al Dafna" keeps its distinguishing tail after the dash."""
    text = one_line(text)
    if width(text) <= room:
        return text
    short = re.search(r"\(([^()]+)\)$", text)
    if short and width(short.group(1)) <= room:
        return short.group(1)
    head, dash, tail = text.rpartition(" - ")
    if dash and width(tail) + width(dash) + width(ellipsis) + 4 <= room:
        return shorten(head, room - width(dash + tail), ellipsis) + dash + tail
    return shorten(text, room, ellipsis)


def fits(text: str) -> bool:
    return screen_fits(text)


def largest_fitting(build: Callable[[int], str], low: int, high: int) -> int | None:
    """The largest n in [low, high] with build(n) fitting one screen, else None.

    Binary search: build(n) grows with n (a longer cut of the same texts), and fitting is
    monotone in length (see segments._largest_fitting for the GSM-7/UCS-2 switch).
    """
    best = None
    while low <= high:
        mid = (low + high) // 2
        if fits(build(mid)):
            best, low = mid, mid + 1
        else:
            high = mid - 1
    return best


def guard(text: str, ellipsis: str) -> str:
    """Last line of defence: the screens are built to fit, but never send one that does not."""
    if fits(text):
        return text
    log.warning("ussd screen too long; truncated", extra={"length": screen_length(text)})
    keep = largest_fitting(lambda n: text[:n].rstrip() + ellipsis, 0, len(text)) or 0
    return text[:keep].rstrip() + ellipsis


@lru_cache(maxsize=1024)
def paginate(lead: str, labels: tuple[str, ...], more: str, back: str
             ) -> tuple[tuple[int, int], ...]:
    """(start, end) item ranges of each page of a list screen.

    A page takes items until the next would overflow, leaving room for its `lead` line and
    its `98`/`0` lines. Pure and cached: every hop replays the path, so the same lists are
    laid out again and again (labels must already be shortened).
    """
    pages, start = [], 0
    while start < len(labels):
        end = _page_end(lead, labels, start, more, back)
        pages.append((start, end))
        start = end
    return tuple(pages)


def list_text(lead: Sequence[str], labels: Sequence[str], more: str | None, back: str) -> str:
    lines = [*lead, *(f"{i} {label}" for i, label in enumerate(labels, 1))]
    return "\n".join([*lines, *([more] if more else []), back])


def _page_end(lead: str, labels: tuple[str, ...], start: int, more: str, back: str) -> int:
    end = start + 1  # at least one item per page, whatever it costs: the guard catches it
    while end < len(labels) and end - start < MAX_ITEMS_PER_PAGE:
        candidate = end + 1
        footer = more if candidate < len(labels) else None
        if not fits(list_text([lead], labels[start:candidate], footer, back)):
            break
        end = candidate
    return end
