"""One public error shape for every status >= 400, in the request's language:
{"error": {"code", "message", "fields"?}}."""
from __future__ import annotations

import logging

from flask import Response, g
from werkzeug.exceptions import HTTPException

from core.errors import DomainError, Msg, RateLimited
from i18n.catalogs import DEFAULT, N_, t
from mobile_api.responses import json_response

log = logging.getLogger(__name__)

STATUS_BY_CODE = {
    "validation_failed": 400, "unauthorized": 401, "forbidden": 403, "not_found": 404,
    "conflict": 409, "payload_too_large": 413, "unsupported_media_type": 415,
    "rate_limited": 429,
}

# Werkzeug's own HTTP errors (unknown route, wrong method, body too big, bad JSON ...).
HTTP_ERRORS = {
    400: ("validation_failed", N_("The request could not be read.")),
    401: ("unauthorized", N_("Sign in to continue.")),
    403: ("forbidden", N_("You are not allowed to do this.")),
    404: ("not_found", N_("Not found.")),
    405: ("method_not_allowed", N_("This method is not allowed here.")),
    406: ("not_acceptable", N_("This response format is not available.")),
    409: ("conflict", N_("This conflicts with the current state.")),
    413: ("payload_too_large", N_("The upload is too large.")),
    415: ("unsupported_media_type", N_("This type of content is not supported.")),
    429: ("rate_limited", N_("Too many requests. Please try again later.")),
}
INTERNAL = ("internal_error", N_("Something went wrong on our side. Please try again."))


def lang() -> str:
    return getattr(g, "lang", DEFAULT)


def _text(msg: Msg) -> str:
    return t(lang(), msg.text, **msg.params)


ErrorParts = tuple[dict, int, dict[str, str]]


def error_parts(code: str, message: str, status: int, fields: dict[str, str] | None = None,
                headers: dict[str, str] | None = None) -> ErrorParts:
    body: dict = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"error": body}, status, headers or {}


def parts_for(exc: Exception) -> ErrorParts:
    """The contract's error body, status and headers for any exception."""
    if isinstance(exc, DomainError):
        return _domain_error(exc)
    if isinstance(exc, HTTPException):
        return _http_exception(exc)
    log.exception("unhandled error")
    return error_parts(INTERNAL[0], t(lang(), INTERNAL[1]), 500)


def error_response(exc: Exception) -> Response:
    body, status, headers = parts_for(exc)
    response = json_response(body, status)
    response.headers.update(headers)
    return response


def _domain_error(exc: DomainError) -> ErrorParts:
    headers = {}
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(exc.retry_after)
    fields = {name: _text(msg) for name, msg in exc.fields.items()} or None
    return error_parts(exc.code, _text(exc.message), STATUS_BY_CODE.get(exc.code, 400),
                       fields, headers)


def _http_exception(exc: HTTPException) -> ErrorParts:
    status = exc.code or 500
    code, message = HTTP_ERRORS.get(status, INTERNAL)
    headers = {k: v for k, v in exc.get_headers() if k.lower() in ("allow", "retry-after")}
    return error_parts(code, t(lang(), message), status, None, headers)
