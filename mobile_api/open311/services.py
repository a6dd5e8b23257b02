"""GET services and GET service definition, built from the in-memory catalogue.

Only services of level 2 and up are listed: level 1 is information only and accepts no
request or complaint, so offering it to Open311 clients would invite POSTs we must refuse."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response

from core.catalog.cache import current_catalog
from core.catalog.records import ServiceRecord
from core.catalog.snapshot import CatalogSnapshot
from core.errors import Msg, NotFound
from i18n.catalogs import N_, pick, t
from mobile_api.open311 import formats
from mobile_api.open311.blueprint import bp, current_lang

# Catalogue field types -> GeoReport attribute datatypes ("date" is "datetime" there).
DATATYPES = {"string": "string", "text": "text", "number": "number", "date": "datetime",
             "singlevaluelist": "singlevaluelist", "multivaluelist": "multivaluelist"}
DATATYPE_HELP = {"number": N_("A number."), "date": N_("A date, e.g. 2026-12-31.")}
LISTS = ("singlevaluelist", "multivaluelist")


def offered(catalog: CatalogSnapshot, code: str) -> ServiceRecord:
    """The service behind a service_code, if Open311 offers it; else a 404 naming it."""
    svc = catalog.find_service(code) if code else None
    if svc is None or not svc.accepts_requests:
        raise NotFound(fields={"service_code": Msg(N_("Unknown service."))})
    return svc


def _keywords(svc: ServiceRecord, lang: str) -> str:
    return ", ".join(svc.keywords.get(lang) or svc.keywords.get("ar") or [])


def service_item(catalog: CatalogSnapshot, svc: ServiceRecord, lang: str) -> dict[str, Any]:
    return {
        "service_code": svc.code, "service_name": pick(svc.name, lang),
        "description": pick(svc.description, lang), "metadata": bool(svc.fields),
        "type": "realtime",  # the service_request_id comes back in the POST answer
        "keywords": _keywords(svc, lang),
        "group": pick(catalog.categories[svc.category_code].name, lang),
    }


def attribute(field: dict[str, Any], order: int, lang: str) -> dict[str, Any]:
    help_text = DATATYPE_HELP.get(field["datatype"])
    item: dict[str, Any] = {
        "variable": True, "code": field["code"], "datatype": DATATYPES[field["datatype"]],
        "required": bool(field.get("required")),
        "datatype_description": t(lang, help_text) if help_text else None,
        "order": order, "description": pick(field.get("label"), lang),
    }
    if field["datatype"] in LISTS:
        item["values"] = [{"key": v["key"], "name": pick(v.get("name"), lang)}
                          for v in field.get("values", [])]
    return item


def definition(svc: ServiceRecord, lang: str) -> dict[str, Any]:
    return {"service_code": svc.code,
            "attributes": [attribute(f, n, lang) for n, f in enumerate(svc.fields, start=1)]}


def _cached(catalog: CatalogSnapshot, key: tuple, build: Callable[[], bytes]) -> bytes:
    # Encoded once per catalogue snapshot; a catalogue load drops the snapshot and this.
    return catalog.cached(("open311", *key), build)


@bp.get("/v2/services.<fmt>")
def services_list(fmt: str) -> Response:
    # One jurisdiction: jurisdiction_id is accepted and ignored, as the spec allows.
    fmt, lang, catalog = formats.checked(fmt), current_lang(), current_catalog()

    def build() -> bytes:
        items = [service_item(catalog, svc, lang)
                 for svc in catalog.in_number_order if svc.accepts_requests]
        return formats.encode("services", items, fmt)
    return formats.respond(_cached(catalog, ("open311-services", fmt, lang), build), fmt)


@bp.get("/v2/services/<code>.<fmt>")
def service_definition(code: str, fmt: str) -> Response:
    fmt, lang, catalog = formats.checked(fmt), current_lang(), current_catalog()
    svc = offered(catalog, code)
    payload = _cached(catalog, ("open311-definition", svc.code, fmt, lang),
                      lambda: formats.encode("service_definition", definition(svc, lang), fmt))
    return formats.respond(payload, fmt)
