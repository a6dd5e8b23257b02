"""Every failure in /open311 becomes the GeoReport error array, in the request's language:
404 for what does not exist, 403 for a missing or wrong api_key, 400 for the rest
(specification, "Errors"). Nothing here answers 5xx."""
from __future__ import annotations

import logging

from flask import Response, current_app, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.exceptions import NotFound as RouteNotFound

from core.errors import DomainError, Msg, RateLimited
from i18n.catalogs import N_, t
from mobile_api.open311 import formats
from mobile_api.open311.blueprint import bp, current_lang

log = logging.getLogger(__name__)

DOMAIN_STATUS = {"not_found": 404, "unauthorized": 403, "forbidden": 403,
                 "rate_limited": 429, "payload_too_large": 413}
HTTP_MESSAGES = {
    404: N_("Not found."), 405: N_("This method is not allowed here."),
    413: N_("The upload is too large."), 429: N_("Too many requests. Please try again later."),
}
READ_FAILED = N_("The request could not be read.")
GENERAL = N_("Something went wrong. Please try again.")
CATCH_ALL = "open311.unknown_path"


def _fmt() -> str:
    """Answer in the format the client asked for when it named a known one, else JSON."""
    fmt = (request.view_args or {}).get("fmt") or request.path.rpartition(".")[2]
    return fmt.lower() if fmt.lower() in formats.FORMATS else "json"


def _field_name(name: str) -> str:
    # validate_answers names form fields "attribute.code"; Open311 clients sent attribute[code].
    prefix, dot, code = name.partition(".")
    return f"{prefix}[{code}]" if dot and prefix == "attribute" else name


def _say(msg: Msg) -> str:
    return t(current_lang(), msg.text, **msg.params)


def descriptions(exc: DomainError) -> list[str]:
    """One entry per wrong field (the array may hold several), else the message."""
    if exc.fields:
        return [f"{_field_name(name)}: {_say(msg)}" for name, msg in exc.fields.items()]
    return [_say(exc.message)]


@bp.errorhandler(DomainError)
def domain_error(exc: DomainError) -> Response:
    response = formats.errors(DOMAIN_STATUS.get(exc.code, 400), descriptions(exc), _fmt())
    if isinstance(exc, RateLimited):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


@bp.errorhandler(HTTPException)
def http_error(exc: HTTPException) -> Response:
    status = exc.code if exc.code in HTTP_MESSAGES else 400
    text = t(current_lang(), HTTP_MESSAGES.get(status, READ_FAILED))
    response = formats.errors(status, [text], _fmt())
    if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


@bp.errorhandler(Exception)
def unexpected_error(exc: Exception) -> Response:
    # The specification's "General service error" is a 400; the log keeps the details.
    log.exception("open311 request failed")
    return formats.errors(400, [t(current_lang(), GENERAL)], _fmt())


def _methods_serving(path: str) -> list[str]:
    """Methods for which a real Open311 route (not this catch-all) serves `path`."""
    adapter = current_app.url_map.bind("localhost")
    found = []
    for method in ("GET", "POST"):
        try:
            endpoint, _ = adapter.match(path, method=method)
        except HTTPException:
            continue
        if endpoint != CATCH_ALL:
            found.append(method)
    return found


@bp.route("/", defaults={"rest": ""}, endpoint="unknown_path",
          methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@bp.route("/<path:rest>", endpoint="unknown_path",
          methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown_path(rest: str) -> Response:
    """Routing errors never reach a blueprint's handlers: route them here instead."""
    allowed = _methods_serving(request.path)
    if allowed:
        raise MethodNotAllowed(valid_methods=allowed)
    raise RouteNotFound()
