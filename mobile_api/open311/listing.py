"""GET Service Requests and GET Service Request: public, read-only, no api_key."""
from __future__ import annotations

from flask import Response, request

from core import references
from core.catalog.cache import current_catalog
from core.db import transaction
from core.errors import NotFound
from i18n.catalogs import N_
from mobile_api.open311 import formats, query
from mobile_api.open311.blueprint import bp, current_lang
from mobile_api.open311.items import item_for


@bp.get("/v2/requests.<fmt>")
def requests_list(fmt: str) -> Response:
    fmt, lang = formats.checked(fmt), current_lang()
    filters = query.parse_filters(request.args, current_catalog())
    with transaction() as session:
        items = [item_for(case, lang) for case in query.search(session, filters)]
    return formats.document("service_requests", items, fmt)  # no match: 200 []


@bp.get("/v2/requests/<service_request_id>.<fmt>")
def request_detail(service_request_id: str, fmt: str) -> Response:
    fmt, lang = formats.checked(fmt), current_lang()
    with transaction() as session:
        case = query.find_one(session, service_request_id)
        if case is None:
            # Unlike the list, a named resource that does not exist is a 404 (spec, Errors).
            raise NotFound(N_("No service request %(id)s was found."),
                           id=references.clean(service_request_id)[:20])
        item = item_for(case, lang)
    return formats.document("service_requests", [item], fmt)
