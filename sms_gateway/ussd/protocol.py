"""The seam between USSD gateways and the menus: a `UssdHop` in, a `Screen` out.

The menus only ever see a `UssdHop` (who, which session, every input so far) and answer a
`Screen` (text, ends?). Everything a gateway puts on the wire lives in an adapter: a parse
function (request -> UssdHop) and a render function (Screen -> body + content type). This
module holds the Africa's Talking adapter.

Adding another gateway, e.g. one posting JSON `{"sessionId", "msisdn", "input",
"newSession": true}` and expecting `{"message", "continueSession": bool}`:
1. write `sms_gateway/ussd/<gateway>.py` with `parse_<gateway>(request) -> UssdHop` and
   `render_<gateway>(screen) -> Wire`;
2. if the gateway sends only the latest input, rebuild the full path with
   `sessions.extend_path(session_id, phone, latest, new_session)` and pass it as `inputs`;
3. add a route in `views.py` calling `answer(parse_<gateway>, render_<gateway>)`.
The menus, sessions and idempotency code stay untouched.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from core.errors import ValidationFailed
from core.phones import normalize_phone

MAX_FIELD = 128  # session ids, service and network codes are short tokens
MAX_TEXT = 4000  # far beyond any real session; bounds the replay work per hop


class BadHop(ValueError):
    """The gateway sent something we cannot act on (missing session or phone)."""


@dataclass(frozen=True)
class UssdHop:
    session_id: str
    phone: str  # E.164
    service_code: str
    network_code: str
    inputs: list[str]
    raw_text: str


@dataclass(frozen=True)
class Screen:
    text: str
    ends: bool


@dataclass(frozen=True)
class Wire:
    body: str
    content_type: str


def split_inputs(text: str) -> list[str]:
    """Africa's Talking joins every input of the session with `*`; empty on the first hop."""
    return text.split("*") if text else []


def _field(form: Mapping[str, str], name: str, required: bool = False) -> str:
    value = (form.get(name) or "").strip()
    if required and not value:
        raise BadHop(f"missing {name}")
    if len(value) > MAX_FIELD:
        raise BadHop(f"{name} too long")
    return value


def parse_phone(raw: str) -> str:
    try:
        return normalize_phone(raw)
    except ValidationFailed:
        raise BadHop("invalid phoneNumber") from None


def parse_africastalking(form: Mapping[str, str]) -> UssdHop:
    """Form fields sessionId, serviceCode, phoneNumber, networkCode, text."""
    text = (form.get("text") or "")[:MAX_TEXT]
    return UssdHop(
        session_id=_field(form, "sessionId", required=True),
        phone=parse_phone(_field(form, "phoneNumber", required=True)),
        service_code=_field(form, "serviceCode"),
        network_code=_field(form, "networkCode"),
        inputs=split_inputs(text),
        raw_text=text,
    )


def render_africastalking(screen: Screen) -> Wire:
    prefix = "END " if screen.ends else "CON "
    return Wire(prefix + screen.text, "text/plain; charset=utf-8")
