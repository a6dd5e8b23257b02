"""USSD over HTTP: Africa's Talking's callback and its end-of-session notifications.

Whatever happens, the handset gets a screen: a bad request, an unknown method or an internal
error all answer `END` + an apology (contract section 5: never a 5xx). Another gateway is one
more route calling `answer` with its own parse/render pair (see protocol.py).
"""
from __future__ import annotations

import hmac
import logging
from collections import OrderedDict
from collections.abc import Callable

from flask import Blueprint, Request, Response, g, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from core import keypad
from core.catalog.cache import current_catalog
from core.config import get_settings
from i18n.catalogs import DEFAULT, N_, t
from sms_gateway.ussd import menus, sessions
from sms_gateway.ussd.context import core_context
from sms_gateway.ussd.protocol import (
    BadHop,
    Screen,
    UssdHop,
    Wire,
    parse_africastalking,
    render_africastalking,
)

log = logging.getLogger(__name__)

bp = Blueprint("ussd", __name__, url_prefix="/ussd")
# Every method reaches the views, so a wrong one gets our END screen rather than the app's
# JSON 405 (routing errors never reach blueprint error handlers).
ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"]
MAX_LOGGED = 200

Parser = Callable[[Request], UssdHop]
Renderer = Callable[[Screen], Wire]


def respond(wire: Wire, status: int = 200) -> Response:
    response = Response(wire.body, status=status, content_type=wire.content_type)
    response.headers["Cache-Control"] = "no-store"
    return response


def secret_ok() -> bool:
    secret = get_settings().ussd_shared_secret
    if not secret:
        return True
    given = request.args.get("secret", "")
    return hmac.compare_digest(given.encode(), secret.encode())


_PURE_SCREENS: OrderedDict[tuple, Screen] = OrderedDict()
_PURE_SCREENS_MAX = 4096


def _remember(key: tuple, screen: Screen) -> Screen:
    _PURE_SCREENS[key] = screen
    if len(_PURE_SCREENS) > _PURE_SCREENS_MAX:
        _PURE_SCREENS.popitem(last=False)
    return screen


def screen_for(hop: UssdHop, ctx: menus.MenuContext, lang: str) -> Screen:
    # Browsing screens depend only on the catalogue, the language and the path: the menu is
    # pure, so they are computed once per catalogue version and then served from memory.
    key = (current_catalog().version, lang, tuple(hop.inputs))
    cached = _PURE_SCREENS.get(key)  # one lookup: another thread may evict between two
    if cached is not None:
        return cached
    state = menus.walk(hop.inputs, ctx)
    if state.ending is None or not state.ending.has_effect:
        return _remember(key, menus.finish(state, ctx))
    path = menus.path_key(hop.inputs, state)
    return sessions.run_once(hop, path, lambda: menus.finish(state, ctx))


def handle(hop: UssdHop) -> Screen:
    lang = DEFAULT
    try:
        lang = sessions.language(hop, keypad.preferred_language)
        g.lang = lang  # Content-Language of the answer
        return screen_for(hop, core_context(hop.phone, lang), lang)
    except Exception:
        log.exception("ussd hop failed", extra={"session_id": hop.session_id[:MAX_LOGGED],
                                                "hops": len(hop.inputs)})
        return menus.apology(lang)


def answer(parse: Parser, render: Renderer) -> Response:
    if request.method != "POST":
        raise MethodNotAllowed(valid_methods=["POST"])
    if not secret_ok():
        return respond(render(Screen(t(DEFAULT, N_("You are not allowed to do this.")), True)),
                       403)
    try:
        hop = parse(request)
    except BadHop as exc:
        log.info("ussd hop refused", extra={"reason": str(exc)})
        return respond(render(menus.apology(DEFAULT)))
    return respond(render(handle(hop)))


@bp.route("/africastalking", methods=ANY_METHOD)
def africastalking() -> Response:
    return answer(lambda req: parse_africastalking(req.form), render_africastalking)


@bp.route("/africastalking/events", methods=ANY_METHOD)
def africastalking_events() -> Response:
    """End-of-session notification: logged for operations (never the phone number)."""
    if request.method != "POST":
        raise MethodNotAllowed(valid_methods=["POST"])
    fields = ("sessionId", "status", "durationInMillis", "hopsCount", "errorMessage")
    log.info("ussd session ended", extra={
        "authenticated": secret_ok(),
        **{name: (request.form.get(name) or "")[:MAX_LOGGED] for name in fields}})
    return Response("", status=200, content_type="text/plain; charset=utf-8")


@bp.errorhandler(Exception)
def _any_error(exc: Exception) -> Response:
    """Even framework errors (wrong method, body too large) answer a USSD screen."""
    status = exc.code if isinstance(exc, HTTPException) and exc.code else 500
    if status >= 500:
        log.exception("ussd request failed")
        status = 200  # the handset must get a screen, never a gateway error
    response = respond(render_africastalking(menus.apology(DEFAULT)), status)
    if isinstance(exc, MethodNotAllowed):
        response.headers["Allow"] = "POST"
    return response
