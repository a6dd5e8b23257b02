"""The USSD menus as a pure state machine (contract section 5).

Africa's Talking sends every input of the session on each hop (`1*3*98*2`), so a hop is
answered by replaying the whole path through `step`, a reducer over a navigation stack:
`0` pops (on the home screen it stays home), `98` pushes the next page of the current list,
anything else goes to the handler of the screen on top. `walk` does the replay without any
side effect; `finish` draws the screen and, on the final hop only, performs the one action
that closes the session (status lookup, complaint, language). Splitting the two lets the
view make that action idempotent (sessions.run_once) before anything happens.

All I/O comes through `MenuContext`, so tests drive the menus with plain stubs.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from i18n.arabic import to_ascii_digits
from i18n.catalogs import N_, t
from sms_gateway.ussd import screens
from sms_gateway.ussd.model import (
    AGENCIES,
    CATEGORIES,
    COMPLAINT,
    COMPLAINT_END,
    CONFIRM,
    DETAIL,
    HOME,
    LANGUAGE,
    LANGUAGE_END,
    LISTS,
    MUNICIPALITIES,
    OFFICES_END,
    SERVICES,
    STATUS,
    STATUS_END,
    TOO_LONG_END,
    UNKNOWN_SERVICE_END,
    Ending,
    Frame,
    MenuContext,
    Outcome,
    State,
)
from sms_gateway.ussd.protocol import Screen

BACK, MORE = "0", "98"
MAX_INPUTS = 60  # no real session has that many hops; replaying more is wasted work
MAX_INPUT_CHARS = 2000  # core.complaints.MAX_TEXT: longer text is cut, never refused


# ---- replay -------------------------------------------------------------------------------

def walk(inputs: Sequence[str], ctx: MenuContext) -> State:
    """The state after replaying `inputs`; pure (lookups only, no action performed)."""
    if len(inputs) > MAX_INPUTS:
        return State(ending=Ending(TOO_LONG_END), consumed=len(inputs))
    state = State()
    for raw in inputs:
        if state.ending is not None:
            break
        state = step(state, raw, ctx)
    return state


def step(state: State, raw: str, ctx: MenuContext) -> State:
    raw = raw[:MAX_INPUT_CHARS]
    choice = to_ascii_digits(raw).strip()
    consumed = state.consumed + 1
    if choice == BACK:
        stack = state.stack[:-1] or state.stack
        return State(stack, consumed=consumed)
    if choice == MORE and state.top.kind in LISTS:
        return _next_page(state, ctx, consumed)
    outcome = HANDLERS[state.top.kind](state.top, raw, choice, ctx)
    if isinstance(outcome, Ending):
        return replace(state, invalid=False, ending=outcome, consumed=consumed)
    if isinstance(outcome, Frame):
        return State((*state.stack, outcome), consumed=consumed)
    return replace(state, invalid=True, consumed=consumed)


def path_key(inputs: Sequence[str], state: State) -> str:
    """The part of the path that led to the ending: the idempotency key of the final hop."""
    return "*".join(inputs[:state.consumed])


def _next_page(state: State, ctx: MenuContext, consumed: int) -> State:
    top = state.top
    if top.page + 1 >= len(screens.pages_of(top, ctx)):
        return replace(state, invalid=True, consumed=consumed)
    return State((*state.stack, replace(top, page=top.page + 1)), consumed=consumed)


def _picked(frame: Frame, choice: str, ctx: MenuContext) -> str | None:
    """The key of the item chosen on this page of a list, or None."""
    if not choice.isdigit() or len(choice) > 2:
        return None
    keys = screens.page_keys(frame, ctx)
    number = int(choice)
    return keys[number - 1] if 1 <= number <= len(keys) else None


def _on_home(_frame: Frame, _raw: str, choice: str, _ctx: MenuContext) -> Outcome:
    return {"1": Frame(CATEGORIES), "2": Frame(STATUS), "3": Frame(AGENCIES),
            "4": Frame(LANGUAGE), "5": Frame(MUNICIPALITIES)}.get(choice)


def _on_categories(frame: Frame, _raw: str, choice: str, ctx: MenuContext) -> Outcome:
    code = _picked(frame, choice, ctx)
    return Frame(SERVICES, arg=code) if code else None


def _on_services(frame: Frame, _raw: str, choice: str, ctx: MenuContext) -> Outcome:
    code = _picked(frame, choice, ctx)
    return Frame(DETAIL, arg=code) if code else None


def _on_detail(frame: Frame, _raw: str, choice: str, ctx: MenuContext) -> Outcome:
    if ctx.service(frame.arg) is None:
        return Ending(UNKNOWN_SERVICE_END)
    return Frame(MUNICIPALITIES, arg=frame.arg) if choice == "1" else None


def _on_municipalities(frame: Frame, _raw: str, choice: str, ctx: MenuContext) -> Outcome:
    municipality = _picked(frame, choice, ctx)
    return Ending(OFFICES_END, arg=municipality, text=frame.arg) if municipality else None


def _on_status(_frame: Frame, _raw: str, choice: str, _ctx: MenuContext) -> Outcome:
    return Ending(STATUS_END, arg=choice) if choice else None


def _on_agencies(frame: Frame, _raw: str, choice: str, ctx: MenuContext) -> Outcome:
    code = _picked(frame, choice, ctx)
    return Frame(COMPLAINT, arg=code) if code else None


def _on_complaint(frame: Frame, raw: str, _choice: str, _ctx: MenuContext) -> Outcome:
    text = " ".join(raw.split())
    return Frame(CONFIRM, arg=frame.arg, text=text) if text else None


def _on_confirm(frame: Frame, _raw: str, choice: str, _ctx: MenuContext) -> Outcome:
    return Ending(COMPLAINT_END, arg=frame.arg, text=frame.text) if choice == "1" else None


def _on_language(_frame: Frame, _raw: str, choice: str, _ctx: MenuContext) -> Outcome:
    new = {"1": "ar", "2": "en"}.get(choice)
    return Ending(LANGUAGE_END, arg=new) if new else None


HANDLERS: dict[str, Callable[[Frame, str, str, MenuContext], Outcome]] = {
    HOME: _on_home, CATEGORIES: _on_categories, SERVICES: _on_services, DETAIL: _on_detail,
    MUNICIPALITIES: _on_municipalities, STATUS: _on_status, AGENCIES: _on_agencies,
    COMPLAINT: _on_complaint, CONFIRM: _on_confirm, LANGUAGE: _on_language,
}


# ---- drawing ------------------------------------------------------------------------------

def render(inputs: Sequence[str], ctx: MenuContext) -> Screen:
    """The answer to a hop whose path is `inputs` (side effects included, not idempotent)."""
    return finish(walk(inputs, ctx), ctx)


def finish(state: State, ctx: MenuContext) -> Screen:
    """Draw the state; an ending with an effect performs it here, and only here."""
    if state.ending is not None:
        return ENDINGS[state.ending.kind](state.ending, ctx)
    return screens.draw(state.top, state.invalid, ctx)


def apology(lang: str) -> Screen:
    return Screen(t(lang, N_("Something went wrong. Please try again.")), ends=True)


def _end(text: str, lang: str) -> Screen:
    return Screen(screens.fitted(text, lang), ends=True)


def _status_end(ending: Ending, ctx: MenuContext) -> Screen:
    return Screen(screens.status_text(ctx.case_status(ending.arg), ctx.lang), ends=True)


def _complaint_end(ending: Ending, ctx: MenuContext) -> Screen:
    reference = ctx.file_complaint(ending.arg or None, ending.text)
    return _end(t(ctx.lang, N_("Complaint sent. Reference: %(reference)s"),
                  reference=reference), ctx.lang)


def _language_end(ending: Ending, ctx: MenuContext) -> Screen:
    ctx.set_language(ending.arg)
    # Confirmed in the language just chosen: the caller may not read the old one.
    message = (N_("We will answer you in Arabic from now on.") if ending.arg == "ar"
               else N_("We will answer you in English from now on."))
    return _end(t(ending.arg, message), ending.arg)


def _offices_end(ending: Ending, ctx: MenuContext) -> Screen:
    nearby = ctx.offices_near(ending.arg, ending.text or None)
    return Screen(screens.offices_text(nearby, ctx.lang), ends=True)


def _unknown_service_end(_ending: Ending, ctx: MenuContext) -> Screen:
    return _end(t(ctx.lang, N_("Unknown service.")), ctx.lang)


def _too_long_end(_ending: Ending, ctx: MenuContext) -> Screen:
    return apology(ctx.lang)


ENDINGS: dict[str, Callable[[Ending, MenuContext], Screen]] = {
    STATUS_END: _status_end, COMPLAINT_END: _complaint_end, LANGUAGE_END: _language_end,
    OFFICES_END: _offices_end, UNKNOWN_SERVICE_END: _unknown_service_end,
    TOO_LONG_END: _too_long_end,
}

__all__ = ["Frame", "MenuContext", "Screen", "State", "apology", "finish", "path_key", "render",
           "step", "walk"]
