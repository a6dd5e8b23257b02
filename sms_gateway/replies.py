"""What each SMS command answers, in the reply language, within 3 segments."""
from __future__ import annotations

from collections.abc import Callable

from core import keypad, outbox
from core.catalog.cache import current_catalog
from core.catalog.records import ServiceRecord
from core.catalog.snapshot import ServiceFilter
from core.catalog.views import level_name
from core.db import transaction
from i18n.catalogs import format_money, pick, t, tn
from sms_gateway import conversation, segments
from sms_gateway.commands import Command, language_argument

PAGE = 3
MAX_SEGMENTS = 3
MORE_HINT = {"en": " …MORE", "ar": " …المزيد"}


def fit(text: str, lang: str) -> str:
    """Cut at a word boundary with a MORE hint when the reply would exceed 3 segments."""
    return segments.fit(text, MAX_SEGMENTS, suffix=MORE_HINT[lang])


def help_text(lang: str) -> str:
    return t(lang, "Bawaba: FIND <words>, INFO <number>, STATUS <reference>, "
                   "COMPLAIN <text>, OFFICE <number or zone>, LANG AR/EN, STOP, START.")


def _service_line(svc: ServiceRecord, lang: str) -> str:
    return f"{svc.number} {pick(svc.name, lang)}"


def _page_of_results(phone: str, codes: list[str], start: int, lang: str) -> str:
    catalog = current_catalog()
    page = [catalog.services[c] for c in codes[start:start + PAGE] if c in catalog.services]
    conversation.save_results(phone, codes, start + len(page))
    lines = "\n".join(_service_line(s, lang) for s in page)
    more = start + len(page) < len(codes)
    hint = t(lang, "Send INFO <number> for details, MORE for more.") if more else t(
        lang, "Send INFO <number> for details.")
    return f"{lines}\n{hint}"


def find(phone: str, cmd: Command, lang: str) -> str:
    if not cmd.args:
        return t(lang, "Send FIND and some words, e.g. FIND residence renewal.")
    total, matches = current_catalog().search_page(cmd.args[:200], ServiceFilter(), 0, 30)
    if not matches:
        return t(lang, "No service matches \"%(words)s\". Try other words.", words=cmd.args[:40])
    found = tn(lang, "%(n)s service found:", "%(n)s services found:", total)
    return f"{found}\n{_page_of_results(phone, [s.code for s in matches[:30]], 0, lang)}"


def more(phone: str, _cmd: Command, lang: str) -> str:
    state = conversation.load_results(phone)
    if state is None or state[1] >= len(state[0]):
        return t(lang, "Nothing more to show. Send FIND and some words.")
    return _page_of_results(phone, state[0], state[1], lang)


def _fee(svc: ServiceRecord, lang: str) -> str:
    if svc.fee_qar is None:
        return t(lang, "fee not published")
    return t(lang, "free") if svc.fee_qar == 0 else format_money(svc.fee_qar, lang)


def info(_phone: str, cmd: Command, lang: str) -> str:
    svc = current_catalog().find_service(cmd.args.split()[0]) if cmd.args.split() else None
    if svc is None:
        return t(lang, "Send INFO and a service number, e.g. INFO 1001.")
    docs = "، ".join(pick(d, lang) for d in svc.required_documents[:3]) if lang == "ar" else \
        ", ".join(pick(d, lang) for d in svc.required_documents[:3])
    where = t(lang, "Apply online in the app.") if svc.level >= 3 else t(
        lang, "Send OFFICE %(number)s for the nearest offices.", number=svc.number)
    parts = [f"{svc.number} {pick(svc.name, lang)}",
             t(lang, "Level: %(level)s. Fee: %(fee)s.", level=level_name(svc.level, lang),
               fee=_fee(svc, lang))]
    if docs:
        parts.append(t(lang, "Documents: %(docs)s.", docs=docs))
    return "\n".join([*parts, where])


def status(phone: str, cmd: Command, lang: str) -> str:
    if not cmd.args:
        return t(lang, "Send STATUS and your 10-digit reference.")
    result = keypad.case_status(phone, cmd.args, lang, "sms")
    if result.outcome == "bad_check_digit":
        return t(lang, "Please check the number %(reference)s: it is not a valid reference.",
                 reference=result.reference[:12])
    if result.outcome == "not_found":
        return t(lang, "No request or complaint %(reference)s was found for this phone.",
                 reference=result.reference)
    return t(lang, "%(reference)s (%(title)s): %(status)s.", reference=result.reference,
             title=result.title, status=result.status_name)


def complain(phone: str, cmd: Command, lang: str) -> str:
    if len(cmd.args) < 3:
        return t(lang, "Send COMPLAIN and your complaint in one message.")
    reference = keypad.file_complaint(phone, cmd.args[:2000], channel="sms", language=lang)
    return t(lang, "Complaint received. Reference %(reference)s. Send STATUS %(reference)s "
                   "to follow it.", reference=reference)


def _offices_text(nearby: list, lang: str) -> str:
    lines = [f"{pick(n.office.name, lang)} ({n.office.opening_hours or '-'})" for n in nearby]
    return "\n".join(lines) if lines else t(lang, "No office found.")


def office(phone: str, cmd: Command, lang: str) -> str:
    arg = cmd.args.split()[0] if cmd.args.split() else ""
    if arg.isdigit() and 1 <= int(arg) <= 98:
        return _offices_text(keypad.offices_near_zone(int(arg)), lang)
    svc = current_catalog().find_service(arg) if arg else None
    if svc is None:
        return t(lang, "Send OFFICE and a service number or your zone (1-98).")
    return _offices_text(keypad.offices_near_zone(1, svc.code), lang)


def stop(phone: str, _cmd: Command, lang: str) -> str:
    with transaction() as session:
        outbox.opt_out(session, phone, source="keyword")
    return t(lang, "You will get no more campaign messages. Updates on your own requests "
                   "still arrive. Send START to subscribe again.")


def start(phone: str, _cmd: Command, lang: str) -> str:
    with transaction() as session:
        outbox.opt_in(session, phone)
    return t(lang, "You will receive agency campaign messages again. Send STOP to end them.")


def language(phone: str, cmd: Command, lang: str) -> str:
    chosen = language_argument(cmd.args)
    if chosen is None:
        return t(lang, "Send LANG AR for Arabic or LANG EN for English.")
    keypad.set_language(phone, chosen)
    # Said in the chosen language: the Arabic catalogue renders it "...in Arabic".
    return t(chosen, "Replies will now be in English.")


HANDLERS: dict[str, Callable[[str, Command, str], str]] = {
    "FIND": find, "MORE": more, "INFO": info, "STATUS": status, "COMPLAIN": complain,
    "OFFICE": office, "STOP": stop, "START": start, "LANG": language,
}


def reply_for(phone: str, cmd: Command, lang: str) -> str:
    handler = HANDLERS.get(cmd.name)
    text = handler(phone, cmd, lang) if handler else help_text(lang)
    return fit(text, lang)

