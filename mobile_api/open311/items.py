"""Complaints and service requests as GeoReport service requests, for the public lists.

Privacy: these lists are open to anyone. Never add the citizen, the phone, contact details,
form answers (QIDs, passport numbers...) or a delivery address here."""
from __future__ import annotations

import datetime as dt
from typing import Any

from core.models import Complaint, ServiceRequest
from core.service_requests import OPEN_STATUSES
from core.times import aware, iso
from i18n.catalogs import pick

OPEN_COMPLAINT = ("open", "answered")


def _last_agency_reply(complaint: Complaint) -> str | None:
    replies = [m.text for m in complaint.messages if m.author == "agency"]
    return replies[-1] if replies else None


def _base(reference: str, status: str, created: dt.datetime, updated: dt.datetime,
          ) -> dict[str, Any]:
    # Every field of the specification, in its order; null where we have nothing.
    return {
        "service_request_id": reference, "status": status, "status_notes": None,
        "service_name": None, "service_code": None, "description": None,
        "agency_responsible": None, "service_notice": None,
        "requested_datetime": iso(created), "updated_datetime": iso(updated),
        "expected_datetime": None, "address": None, "address_id": None, "zipcode": None,
        "lat": None, "long": None, "media_url": None,
    }


def complaint_item(complaint: Complaint, lang: str) -> dict[str, Any]:
    status = "open" if complaint.status in OPEN_COMPLAINT else "closed"
    item = _base(complaint.reference, status, complaint.created_at, complaint.updated_at)
    service, agency = complaint.service, complaint.agency
    item.update(
        status_notes=_last_agency_reply(complaint), description=complaint.text,
        service_name=pick(service.name, lang) if service else None,
        service_code=service.code if service else None,
        agency_responsible=pick(agency.name, lang) if agency else None,
        address=complaint.address, address_id=(complaint.contact or {}).get("address_id"),
        lat=complaint.lat, long=complaint.lng, media_url=complaint.media_url)
    return item


def _expected(request: ServiceRequest) -> str | None:
    days = request.service.processing_days
    if days is None or request.created_at is None:
        return None
    return iso(aware(request.created_at) + dt.timedelta(days=days))


def request_item(request: ServiceRequest, lang: str) -> dict[str, Any]:
    status = "open" if request.status in OPEN_STATUSES else "closed"
    item = _base(request.reference, status, request.created_at, request.updated_at)
    last = request.history[-1] if request.history else None
    item.update(
        status_notes=pick(last.note, lang) if last and last.note else None,
        service_name=pick(request.service.name, lang), service_code=request.service.code,
        # Only the service's name: the form answers are the citizen's personal data.
        description=pick(request.service.name, lang),
        agency_responsible=pick(request.agency.name, lang), expected_datetime=_expected(request))
    return item


def item_for(case: Complaint | ServiceRequest, lang: str) -> dict[str, Any]:
    if isinstance(case, Complaint):
        return complaint_item(case, lang)
    return request_item(case, lang)
