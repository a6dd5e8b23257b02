"""Who is calling this request: a citizen or staff bearer token, or an agency API key."""
from __future__ import annotations

from typing import Any

from flask import g, request

from core.errors import Forbidden, Unauthorized, UnsupportedMediaType, ValidationFailed
from core.identity import Caller, caller_from_api_key, caller_from_token
from i18n.catalogs import N_


def caller() -> Caller:
    if "caller" not in g:
        api_key = request.headers.get("X-Api-Key")
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if api_key:
            g.caller = caller_from_api_key(api_key)
        elif scheme.lower() == "bearer" and token.strip():
            g.caller = caller_from_token(token.strip())
        else:
            raise Unauthorized()
    return g.caller


def citizen() -> Caller:
    who = caller()
    if who.kind != "citizen":
        raise Forbidden(N_("This is for citizens signed in on the app."))
    return who


def agency(role: str = "viewer") -> Caller:
    who = caller()
    if who.kind not in ("staff", "api_key"):
        raise Forbidden(N_("This is for agency staff and agency systems."))
    who.require_role(role)
    return who


def json_body() -> Any:
    """The JSON body, or a clear 415/400 in the contract's shape."""
    if not request.is_json:
        raise UnsupportedMediaType(N_("Send JSON with Content-Type: application/json."))
    body = request.get_json(silent=True)
    if body is None:
        raise ValidationFailed(N_("The request body is not valid JSON."))
    return body
