"""POST Service Request: an agency system (api_key) files a complaint against a service.

Created at once, so the answer carries the service_request_id and, per the specification,
no token (one of the two, never both); the token is offered in the X-Open311-Token header
for clients that track requests through GET /tokens."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Response, request
from sqlalchemy.orm import Session

from core import complaints, idempotency
from core.catalog.cache import current_catalog
from core.catalog.records import ServiceRecord
from core.catalog.snapshot import CatalogSnapshot
from core.complaints import Filing
from core.errors import Forbidden, invalid
from core.identity import Caller, caller_from_api_key
from i18n.catalogs import N_, pick, t
from mobile_api.open311 import formats, services, submission, tokens
from mobile_api.open311.blueprint import bp, current_lang

PATH = "/open311/v2/requests"  # one fingerprint for .json and .xml replays
NOTICE = N_("Received by %(agency)s. Your reference is %(reference)s.")


def _caller() -> Caller:
    key = (request.form.get("api_key") or request.args.get("api_key")
           or request.headers.get("X-Api-Key"))
    if not key:
        raise Forbidden(N_("Send your agency's api_key to file a request."))
    return caller_from_api_key(key)  # a wrong key: Unauthorized, answered as 403


def _service(catalog: CatalogSnapshot) -> ServiceRecord:
    code = (request.form.get("service_code") or "").strip()
    if not code:
        raise invalid("service_code", N_("This field is required."))
    return services.offered(catalog, code)


def _fingerprint() -> str:
    form = urlencode(sorted(request.form.items(multi=True)))
    return idempotency.fingerprint("POST", PATH, form.encode())


def _answer(catalog: CatalogSnapshot, svc: ServiceRecord, filing: Filing, lang: str,
            session: Session) -> tuple[int, list[dict[str, Any]]]:
    complaint = complaints.file(session, catalog, filing)
    agency = pick(catalog.agencies[svc.agency_code].name, lang)
    return 200, [{
        "service_request_id": complaint.reference,
        "service_notice": t(lang, NOTICE, agency=agency, reference=complaint.reference),
        "account_id": (filing.contact or {}).get("account_id"),
    }]


@bp.post("/v2/requests.<fmt>")
def create_request(fmt: str) -> Response:
    fmt, lang = formats.checked(fmt), current_lang()
    caller, catalog = _caller(), current_catalog()
    svc = _service(catalog)
    filing = submission.parse(request.form, svc, lang)
    (status, body), replayed = idempotency.run(
        f"open311:{caller.actor}", request.headers.get("Idempotency-Key"), _fingerprint(),
        lambda session: _answer(catalog, svc, filing, lang, session))
    response = formats.document("service_requests", body, fmt, status)
    response.headers["X-Open311-Token"] = tokens.issue(body[0]["service_request_id"])
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response
