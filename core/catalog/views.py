"""Catalogue records shaped for a reader in one language (API, SMS and USSD share these)."""
from __future__ import annotations

from typing import Any

from core.catalog.records import AgencyRecord, CategoryRecord, OfficeRecord, ServiceRecord
from core.catalog.snapshot import CatalogSnapshot, NearbyOffice
from i18n.catalogs import N_, pick, t

LEVEL_NAMES = {
    1: N_("Informational"),
    2: N_("Interactive"),
    3: N_("Transactional"),
    4: N_("Integrated"),
}


def level_name(level: int, lang: str) -> str:
    return t(lang, LEVEL_NAMES[level])


def agency_view(agency: AgencyRecord, lang: str) -> dict[str, Any]:
    return {
        "code": agency.code,
        "name": pick(agency.name, lang),
        "services_count": agency.services_count,
        "levels": agency.levels,
        "hotline": agency.hotline,
        "website": agency.website,
        "former_names": [pick(n, lang) for n in agency.former_names],
    }


def category_view(category: CategoryRecord, lang: str) -> dict[str, Any]:
    return {"code": category.code, "name": pick(category.name, lang),
            "services_count": category.services_count}


def office_view(office: OfficeRecord, lang: str) -> dict[str, Any]:
    return {
        "code": office.code, "agency": office.agency_code, "name": pick(office.name, lang),
        "address": pick(office.address, lang), "lat": office.lat, "lng": office.lng,
        "opening_hours": office.opening_hours, "municipality": office.municipality,
        "zone": office.zone,
    }


def nearby_view(near: NearbyOffice, lang: str) -> dict[str, Any]:
    view = office_view(near.office, lang)
    view["distance_km"] = near.distance_km
    return view


def service_summary(svc: ServiceRecord, catalog: CatalogSnapshot, lang: str) -> dict[str, Any]:
    agency, category = catalog.agencies[svc.agency_code], catalog.categories[svc.category_code]
    return {
        "code": svc.code,
        "number": svc.number,
        "name": pick(svc.name, lang),
        "agency": {"code": agency.code, "name": pick(agency.name, lang)},
        "category": {"code": category.code, "name": pick(category.name, lang)},
        "level": svc.level,
        "level_name": level_name(svc.level, lang),
        "fee_qar": svc.fee_qar,
        "channels": list(svc.channels),
    }


def _field_view(field: dict[str, Any], lang: str) -> dict[str, Any]:
    view = {"code": field["code"], "label": pick(field["label"], lang),
            "datatype": field["datatype"], "required": field["required"]}
    if "description" in field:
        view["description"] = pick(field["description"], lang)
    if "values" in field:
        view["values"] = [{"key": v["key"], "name": pick(v["name"], lang)} for v in field["values"]]
    return view


def service_detail(svc: ServiceRecord, catalog: CatalogSnapshot, lang: str) -> dict[str, Any]:
    view = service_summary(svc, catalog, lang)
    view.update({
        "description": pick(svc.description, lang),
        "fee_note": pick(svc.fee_note, lang),
        "required_documents": [pick(d, lang) for d in svc.required_documents],
        "forms": [{"name": pick(f["name"], lang), "url": f["url"]} for f in svc.forms],
        "processing_days": svc.processing_days,
        "delivery_available": svc.delivery_available,
        "accepts_requests": svc.accepts_requests,
        "fields": [_field_view(f, lang) for f in svc.fields],
        "offices": [office_view(catalog.offices[c], lang) for c in svc.office_codes
                    if c in catalog.offices],
        "planned_launch": svc.planned_launch,
        "launched_on": svc.launched_on,
        "keywords": list(svc.keywords.get(lang, [])),
    })
    return view
