"""Tokens for GET service_request_id from a token.

Requests are created at once (type "realtime"), so a token is simply the reference signed
with SECRET_KEY: nothing to store, and a forged or mistyped token fails the signature."""
from __future__ import annotations

from flask import Response, current_app
from itsdangerous import BadSignature, URLSafeSerializer

from core.db import transaction
from core.errors import NotFound
from core.models import CaseReference
from i18n.catalogs import N_
from mobile_api.open311 import formats
from mobile_api.open311.blueprint import bp

SALT = "open311-token"
UNKNOWN = N_("This token is not valid.")


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def issue(reference: str) -> str:
    return _serializer().dumps(reference)


def reference_for(token: str) -> str | None:
    try:
        reference = _serializer().loads(token)
    except BadSignature:
        return None
    return reference if isinstance(reference, str) else None


@bp.get("/v2/tokens/<token>.<fmt>")
def token_lookup(token: str, fmt: str) -> Response:
    fmt = formats.checked(fmt)
    reference = reference_for(token)
    with transaction() as session:
        if reference is None or session.get(CaseReference, reference) is None:
            raise NotFound(UNKNOWN)
    body = [{"service_request_id": reference, "token": token}]
    return formats.document("service_requests", body, fmt)
