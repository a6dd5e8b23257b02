"""Public catalogue resources: agencies, categories, services (search) and offices."""
from __future__ import annotations

from functools import partial

from flask import request
from flask_restx import Namespace, Resource, fields

from core.catalog.cache import current_catalog
from core.catalog.schema import CHANNELS
from core.catalog.snapshot import CatalogSnapshot, ServiceFilter
from core.catalog.views import (
    agency_view,
    category_view,
    nearby_view,
    service_detail,
    service_summary,
)
from core.errors import NotFound
from core.search import MAX_QUERY_LENGTH
from i18n.catalogs import N_
from mobile_api.errors import lang
from mobile_api.params import Args
from mobile_api.responses import encode, json_response, page, page_bytes, raw_json_response

ns = Namespace("catalogue", path="/", description="Agencies, categories, services and offices")

texts_doc = {"code": fields.String, "name": fields.String}
agency_model = ns.model("Agency", {
    **texts_doc, "services_count": fields.Integer,
    "levels": fields.Raw(example={"1": 2, "2": 5, "3": 7, "4": 1}),
    "hotline": fields.String, "website": fields.String,
})
service_model = ns.model("ServiceSummary", {
    "code": fields.String(example="MOI-RP-RENEW"), "number": fields.Integer(example=1001),
    "name": fields.String, "agency": fields.Nested(ns.model("Ref", texts_doc)),
    "category": fields.Nested(ns.model("Ref", texts_doc)),
    "level": fields.Integer(min=1, max=4), "level_name": fields.String,
    "fee_qar": fields.Float, "channels": fields.List(fields.String),
})
list_params = {"page": "Page number, from 1", "per_page": "Items per page, 1-100 (default 20)",
               "lang": "ar or en (else Accept-Language, else ar)"}


def _paginate(items: list, args: Args) -> tuple[list, int, int, int]:
    page_no, per_page = args.pagination()
    args.done()
    start = (page_no - 1) * per_page
    return items[start:start + per_page], page_no, per_page, len(items)


def _agency_or_404(catalog: CatalogSnapshot, code: str):  # type: ignore[no-untyped-def]
    agency = catalog.agencies.get(code.upper()) or catalog.agencies.get(code)
    if agency is None:
        raise NotFound()
    return agency


@ns.route("/agencies")
class AgencyList(Resource):
    @ns.doc(params=list_params)
    @ns.response(200, "Agencies with their services per maturity level", [agency_model])
    def get(self):  # type: ignore[no-untyped-def]
        catalog, args = current_catalog(), Args(request.args)
        items, page_no, per_page, total = _paginate(list(catalog.agencies.values()), args)
        views = [agency_view(a, lang()) for a in items]
        return json_response(page(views, page_no, per_page, total))


@ns.route("/agencies/<string:code>")
class AgencyDetail(Resource):
    @ns.response(200, "The agency", agency_model)
    @ns.response(404, "Unknown agency code")
    def get(self, code: str):  # type: ignore[no-untyped-def]
        return json_response(agency_view(_agency_or_404(current_catalog(), code), lang()))


@ns.route("/categories")
class CategoryList(Resource):
    @ns.doc(params=list_params)
    def get(self):  # type: ignore[no-untyped-def]
        catalog, args = current_catalog(), Args(request.args)
        items, page_no, per_page, total = _paginate(list(catalog.categories.values()), args)
        return json_response(page([category_view(c, lang()) for c in items],
                                  page_no, per_page, total))


def _service_filter(args: Args) -> ServiceFilter:
    return ServiceFilter(
        agency=(args.text("agency", 48).upper() or None),
        category=(args.text("category", 48) or None),
        level=args.integer("level", None, minimum=1, maximum=4),
        channel=args.choice("channel", CHANNELS),
    )


@ns.route("/services")
class ServiceList(Resource):
    @ns.doc(params={**list_params,
                    "q": "Words in Arabic or English (max 200 characters); typos tolerated",
                    "agency": "Agency code", "category": "Category code",
                    "level": "Maturity level 1-4", "channel": "app, web, sms, ussd or office"})
    @ns.response(200, "Services, best match first when q is given", [service_model])
    @ns.response(400, "validation_failed")
    def get(self):  # type: ignore[no-untyped-def]
        args = Args(request.args)
        query = args.text("q", MAX_QUERY_LENGTH)  # checked before any lookup
        filters = _service_filter(args)
        page_no, per_page = args.pagination()
        args.done()
        catalog, language = current_catalog(), lang()
        total, matches = catalog.search_page(query, filters, (page_no - 1) * per_page, per_page)
        items = [catalog.cached(("item", s.code, language), partial(
            lambda svc: encode(service_summary(svc, catalog, language)), s)) for s in matches]
        return raw_json_response(page_bytes(items, page_no, per_page, total))


@ns.route("/services/<string:ref>")
@ns.param("ref", "Service code (e.g. MOI-RP-RENEW) or its number (e.g. 1001, ١٠٠١)")
class ServiceDetail(Resource):
    @ns.response(200, "The service with its form, documents and offices")
    @ns.response(404, "Unknown service")
    def get(self, ref: str):  # type: ignore[no-untyped-def]
        catalog, language = current_catalog(), lang()
        svc = catalog.find_service(ref) if len(ref) <= 64 else None
        if svc is None:
            raise NotFound()
        return raw_json_response(catalog.cached(
            ("detail", svc.code, language),
            lambda: encode(service_detail(svc, catalog, language))))


@ns.route("/offices")
class OfficeList(Resource):
    @ns.doc(params={"lat": "Latitude", "lng": "Longitude", "radius_km": "Only within this range",
                    "service": "Service code or number", "agency": "Agency code",
                    "limit": "How many (1-100, default 10)", "lang": list_params["lang"]})
    @ns.response(200, "Offices, nearest first, each with distance_km")
    def get(self):  # type: ignore[no-untyped-def]
        args, catalog = Args(request.args), current_catalog()
        lat = args.number("lat", minimum=-90, maximum=90)
        lng = args.number("lng", minimum=-180, maximum=180)
        radius = args.number("radius_km", minimum=0, maximum=1000)
        limit = args.integer("limit", 10, minimum=1, maximum=100) or 10
        service_ref, agency = args.text("service", 64), args.text("agency", 48).upper() or None
        if (lat is None) != (lng is None):
            missing = "lat" if lat is None else "lng"
            args.fail(missing, N_("Give both lat and lng."))
        args.done()
        service = catalog.find_service(service_ref) if service_ref else None
        if service_ref and service is None:
            raise NotFound()
        near = catalog.offices_near(lat=lat, lng=lng, radius_km=radius, service=service,
                                    agency=agency)
        items = [nearby_view(n, lang()) for n in near[:limit]]
        return json_response(page(items, 1, limit, len(near)))
