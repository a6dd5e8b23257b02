"""Drawing the menus' screens, each built to fit one USSD screen (see layout.py).

Wording is short on purpose: an Arabic screen holds 80 characters in all. Lists are paged by
`layout.paginate`; the one variable text of other screens (a service name, the complaint
preview, office names) gets whatever room the fixed lines leave.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from core.catalog.views import level_name
from core.qatar import MUNICIPALITY_NAMES
from i18n.catalogs import N_, format_money, pick, t
from sms_gateway.segments import USSD_GSM7_LIMIT, USSD_UCS2_LIMIT
from sms_gateway.ussd import layout
from sms_gateway.ussd.model import (
    AGENCIES,
    CATEGORIES,
    COMPLAINT,
    CONFIRM,
    DETAIL,
    HOME,
    LANGUAGE,
    MUNICIPALITIES,
    SERVICES,
    STATUS,
    CaseLike,
    Frame,
    MenuContext,
    Named,
    NearbyLike,
)
from sms_gateway.ussd.protocol import Screen

# Longest name on a list line (units), at most; Arabic lists get less (see label_cap).
NAME_CAP = {"ar": 30, "en": 44}
# The screen size each language's wording is planned for (Arabic needs UCS-2).
SCREEN_LIMIT = {"ar": USSD_UCS2_LIMIT, "en": USSD_GSM7_LIMIT}
CONFIRM_AGENCY_CAP = {"ar": 26, "en": 60}
MIN_FLEX = 6  # a variable text shorter than this says nothing: drop it or cut harder
READABLE = 12  # below this, a fuller screen gives way to one with fewer lines
HOME_OPTIONS = (("1", N_("Find a service")), ("2", N_("Request status")),
                ("3", N_("File a complaint")), ("4", N_("Language")),
                ("5", N_("Nearest office")))
LANGUAGE_OPTIONS = ("1 العربية", "2 English")  # each in its own language: never translated
_HOURS = re.compile(r"^([A-Za-z]{3}-[A-Za-z]{3}) (\d{1,2}):(\d\d)-(\d{1,2}):(\d\d)$")

Body = Callable[[list[str]], str]  # lead lines -> the whole screen text


@dataclass(frozen=True)
class ListSpec:
    title: str
    keys: tuple[str, ...]
    labels: tuple[str, ...]


def option(key: str, msgid: str, lang: str) -> str:
    return f"{key} {t(lang, msgid)}"


def invalid_line(lang: str) -> str:
    return t(lang, N_("Invalid choice"))


def fitted(text: str, lang: str) -> str:
    return layout.guard(text, layout.ellipsis_for(lang))


def compose(title: str, invalid: bool, body: Body, lang: str) -> str:
    """The screen with its lead line(s): the title, or "invalid choice" then the title when
    both fit, else "invalid choice" alone (so a re-shown screen never loses its choices);
    as a last resort, before any truncation, the plain screen again."""
    leads = [[title]]
    if invalid:
        leads = [[invalid_line(lang), title], [invalid_line(lang)], [title]]
    text = ""
    for lead in leads:
        text = body([line for line in lead if line])
        if layout.fits(text):
            return text
    return fitted(text, lang)


def widest(build: Callable[[int], str], low: int = MIN_FLEX, high: int = 160) -> str | None:
    """`build(width)` with the widest variable text that still fits, else None."""
    best = layout.largest_fitting(build, low, high)
    return build(best) if best is not None else None


def flexible(variants: Sequence[Callable[[int], str]]) -> str:
    """The first variant (fullest first) whose variable text fits readably; the last one
    may cut that text shorter."""
    for i, build in enumerate(variants):
        text = widest(build, MIN_FLEX if i == len(variants) - 1 else READABLE)
        if text is not None:
            return text
    return variants[-1](MIN_FLEX)  # compose() tries another lead, then guards


# ---- lists --------------------------------------------------------------------------------

def _lead_room(title: str, lang: str) -> str:
    # Pages are laid out for the longer of their two possible lead lines, so that numbering
    # never shifts when a page is shown again after an invalid choice.
    return max(title, invalid_line(lang), key=layout.width)


def label_cap(title: str, lang: str) -> int:
    """The longest label that still lets two items share a page (Arabic: 80 units)."""
    limit = SCREEN_LIMIT.get(lang, SCREEN_LIMIT["ar"])
    fixed = [_lead_room(title, lang), option("98", N_("More"), lang), option("0", N_("Back"), lang)]
    per_item = (limit - sum(layout.width(line) for line in fixed) - 4) // 2  # 4 line breaks
    return min(NAME_CAP.get(lang, NAME_CAP["ar"]), per_item - 2)  # "1 " precedes a label


def _named_spec(title: str, items: Sequence[Named], lang: str) -> ListSpec:
    room, ellipsis = label_cap(title, lang), layout.ellipsis_for(lang)
    labels = tuple(layout.shorten_name(pick(i.name, lang), room, ellipsis) for i in items)
    return ListSpec(title, tuple(i.code for i in items), labels)


def _services_title(code: str, ctx: MenuContext) -> str:
    if ctx.lang == "ar":
        return ""  # 80 units: the category just chosen is not worth a line
    name = next((pick(c.name, ctx.lang) for c in ctx.categories() if c.code == code), code)
    return layout.shorten_name(name, NAME_CAP["en"], layout.ellipsis_for(ctx.lang))


def _services_spec(frame: Frame, ctx: MenuContext) -> ListSpec:
    title, lang = _services_title(frame.arg, ctx), ctx.lang
    services, ellipsis = ctx.services(frame.arg), layout.ellipsis_for(lang)
    # The number is what SMS commands take (INFO 1001), so the list teaches it.
    numbers = [f" ({s.number})" for s in services]
    labels = tuple(layout.shorten_name(pick(s.name, lang), label_cap(title, lang)
                                       - layout.width(number), ellipsis) + number
                   for s, number in zip(services, numbers, strict=True))
    return ListSpec(title, tuple(s.code for s in services), labels)


def _municipalities_spec(lang: str) -> ListSpec:
    keys = tuple(MUNICIPALITY_NAMES)
    return ListSpec(t(lang, N_("Choose your municipality")), keys,
                    tuple(pick(MUNICIPALITY_NAMES[k], lang) for k in keys))


def list_spec(frame: Frame, ctx: MenuContext) -> ListSpec:
    if frame.kind == SERVICES:
        return _services_spec(frame, ctx)
    if frame.kind == MUNICIPALITIES:
        return _municipalities_spec(ctx.lang)
    if frame.kind == CATEGORIES:
        return _named_spec(t(ctx.lang, N_("Choose a category")), ctx.categories(), ctx.lang)
    return _named_spec(t(ctx.lang, N_("Choose the agency")), ctx.agencies(), ctx.lang)


def _pages(spec: ListSpec, lang: str) -> tuple[tuple[int, int], ...]:
    return layout.paginate(_lead_room(spec.title, lang), spec.labels,
                           option("98", N_("More"), lang), option("0", N_("Back"), lang))


def pages_of(frame: Frame, ctx: MenuContext) -> tuple[tuple[int, int], ...]:
    return _pages(list_spec(frame, ctx), ctx.lang)


def _page_range(spec: ListSpec, page: int, lang: str) -> tuple[int, int]:
    pages = _pages(spec, lang)
    # A page past the end can only come from a catalogue that shrank mid-session.
    return pages[min(page, len(pages) - 1)] if pages else (0, 0)


def page_keys(frame: Frame, ctx: MenuContext) -> tuple[str, ...]:
    spec = list_spec(frame, ctx)
    start, end = _page_range(spec, frame.page, ctx.lang)
    return spec.keys[start:end]


def _draw_list(frame: Frame, invalid: bool, ctx: MenuContext) -> str:
    spec, lang = list_spec(frame, ctx), ctx.lang
    start, end = _page_range(spec, frame.page, lang)
    more = option("98", N_("More"), lang) if end < len(spec.keys) else None
    back = option("0", N_("Back"), lang)
    return compose(spec.title, invalid,
                   lambda lead: layout.list_text(lead, spec.labels[start:end], more, back), lang)


# ---- other screens ------------------------------------------------------------------------

def _fee(fee: int | float | None, lang: str) -> str:
    if fee is None:
        return t(lang, N_("Fee not published"))
    return t(lang, N_("Free")) if fee == 0 else format_money(fee, lang)


def _draw_detail(frame: Frame, invalid: bool, ctx: MenuContext) -> Screen:
    svc, lang = ctx.service(frame.arg), ctx.lang
    if svc is None:
        return Screen(fitted(t(lang, N_("Unknown service.")), lang), ends=True)
    facts = [level_name(svc.level, lang), _fee(svc.fee_qar, lang)]
    hint = t(lang, N_("SMS: INFO %(number)s"), number=svc.number)
    options = [option("1", N_("Nearest office"), lang), option("0", N_("Back"), lang)]
    name, ellipsis = pick(svc.name, lang), layout.ellipsis_for(lang)

    def body(lead: list[str]) -> str:
        # The SMS hint is the first thing to give up when space runs out.
        return flexible([lambda w, lines=lines: "\n".join(
            [*lead, layout.shorten(name, w, ellipsis), *lines, *options])
            for lines in ([*facts, hint], facts)])
    return Screen(compose("", invalid, body, lang), ends=False)


def _agency_name(code: str, ctx: MenuContext) -> str:
    return next((pick(a.name, ctx.lang) for a in ctx.agencies() if a.code == code), code)


def _quoted(text: str, lang: str) -> str:
    return f"«{text}»" if lang == "ar" else f'"{text}"'


def _draw_confirm(frame: Frame, invalid: bool, ctx: MenuContext) -> str:
    lang, ellipsis = ctx.lang, layout.ellipsis_for(ctx.lang)
    agency = _agency_name(frame.arg, ctx)
    tail = [option("1", N_("Confirm"), lang), option("0", N_("Back"), lang)]

    def variant(lead: list[str], room: int) -> Callable[[int], str]:
        question = t(lang, N_("Send to %(agency)s?"),
                     agency=layout.shorten_name(agency, room, ellipsis))
        return lambda w: "\n".join(
            [*lead, question, _quoted(layout.shorten(frame.text, w, ellipsis), lang), *tail])

    # Any Arabic or emoji in the complaint makes even an English screen UCS-2 (80 units):
    # the agency's name then gives way to the complaint's preview.
    rooms = (CONFIRM_AGENCY_CAP.get(lang, CONFIRM_AGENCY_CAP["ar"]), 20, 10)
    return compose("", invalid, lambda lead: flexible([variant(lead, r) for r in rooms]), lang)


def _draw_fixed(title: str, lines: Sequence[str], invalid: bool, lang: str) -> str:
    return compose(title, invalid, lambda lead: "\n".join([*lead, *lines]), lang)


def _draw_home(invalid: bool, lang: str) -> str:
    lines = [option(key, msgid, lang) for key, msgid in HOME_OPTIONS]
    return _draw_fixed(t(lang, N_("Bawaba")), lines, invalid, lang)


def _draw_prompt(msgid: str, invalid: bool, lang: str) -> str:
    return _draw_fixed(t(lang, msgid), [option("0", N_("Back"), lang)], invalid, lang)


def _draw_language(invalid: bool, lang: str) -> str:
    lines = [*LANGUAGE_OPTIONS, option("0", N_("Back"), lang)]
    return _draw_fixed(t(lang, N_("Choose a language")), lines, invalid, lang)


_DRAWERS: dict[str, Callable[[Frame, bool, MenuContext], str]] = {
    HOME: lambda _f, invalid, ctx: _draw_home(invalid, ctx.lang),
    CATEGORIES: _draw_list, SERVICES: _draw_list, MUNICIPALITIES: _draw_list,
    AGENCIES: _draw_list, CONFIRM: _draw_confirm,
    STATUS: lambda _f, invalid, ctx: _draw_prompt(
        N_("Enter the reference number"), invalid, ctx.lang),
    COMPLAINT: lambda _f, invalid, ctx: _draw_prompt(
        N_("Type your complaint"), invalid, ctx.lang),
    LANGUAGE: lambda _f, invalid, ctx: _draw_language(invalid, ctx.lang),
}


def draw(frame: Frame, invalid: bool, ctx: MenuContext) -> Screen:
    """The CON screen for the frame on top of the stack (END if its service vanished)."""
    if frame.kind == DETAIL:
        return _draw_detail(frame, invalid, ctx)
    return Screen(_DRAWERS[frame.kind](frame, invalid, ctx), ends=False)


# ---- endings ------------------------------------------------------------------------------

def status_text(case: CaseLike, lang: str) -> str:
    if case.outcome == "bad_check_digit":
        return fitted(t(lang, N_("This number is not right. Check it and try again.")), lang)
    if case.outcome != "found":
        return fitted(t(lang, N_("Nothing found with %(reference)s for this phone."),
                        reference=case.reference), lang)
    head = t(lang, N_("%(reference)s: %(status)s"), reference=case.reference,
             status=case.status_name)
    title, ellipsis = layout.one_line(case.title), layout.ellipsis_for(lang)
    with_title = layout.largest_fitting(
        lambda w: f"{head}\n{layout.shorten(title, w, ellipsis)}", MIN_FLEX, 160)
    if not title or with_title is None:
        return fitted(head, lang)  # the status matters; the title only if it fits
    return f"{head}\n{layout.shorten(title, with_title, ellipsis)}"


def compact_hours(raw: str | None, lang: str) -> str:
    """"Sun-Thu 07:00-14:00" -> "Sun-Thu 7-14" (English) or "7-14" (Arabic, to save room)."""
    match = _HOURS.match(layout.one_line(raw or ""))
    if not match:
        return layout.shorten(raw or "", 20, layout.ellipsis_for(lang))
    days, h1, m1, h2, m2 = match.groups()
    times = f"{int(h1)}{'' if m1 == '00' else ':' + m1}-{int(h2)}{'' if m2 == '00' else ':' + m2}"
    return times if lang == "ar" else f"{days} {times}"


def _office_line(name: str, hours: str, width: int, lang: str) -> str:
    return f"{layout.shorten_name(name, width, layout.ellipsis_for(lang))} {hours}".strip()


def _shared_head(names: Sequence[str]) -> str | None:
    """"Complex - Al Dafna", "Complex - Al Khor" share "Complex": said once, it leaves room
    for the part that tells the offices apart."""
    heads = {name.rpartition(" - ")[0] for name in names}
    return heads.pop() if len(names) > 1 and len(heads) == 1 and "" not in heads else None


def _offices_build(shown: Sequence[NearbyLike], lang: str) -> Callable[[int], str]:
    """width -> the offices' lines, each name cut to that width."""
    pairs = [(layout.one_line(pick(n.office.name, lang)),
              compact_hours(n.office.opening_hours, lang)) for n in shown]
    head = _shared_head([name for name, _ in pairs])
    if head is None:
        return lambda w: "\n".join(_office_line(n, h, w, lang) for n, h in pairs)
    tails = [(name.rpartition(" - ")[2], hours) for name, hours in pairs]
    ellipsis = layout.ellipsis_for(lang)
    return lambda w: "\n".join([layout.shorten(head, w, ellipsis) + ":", *(
        "- " + _office_line(n, h, w, lang) for n, h in tails)])


def offices_text(nearby: Sequence[NearbyLike], lang: str, limit: int = 3) -> str:
    """Up to `limit` offices, name and hours; fewer if their names would be unreadable."""
    offices = list(nearby)[:limit]
    if not offices:
        return fitted(t(lang, N_("No office found nearby.")), lang)
    for count in range(len(offices), 0, -1):
        build = _offices_build(offices[:count], lang)
        best = layout.largest_fitting(build, 12, 120)
        if best is not None:
            return build(best)
    return fitted(_offices_build(offices[:1], lang)(12), lang)
