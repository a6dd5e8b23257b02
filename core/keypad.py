"""What feature phones can do (SMS and USSD share it): look up a case's status by reference,
file a complaint, remember the caller's language. Callers are known only by their phone."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from core import complaints, references, usage
from core.catalog.cache import current_catalog
from core.catalog.snapshot import NearbyOffice
from core.db import transaction
from core.models import Citizen, Complaint, ServiceRequest
from core.qatar import MUNICIPALITY_CENTRES, municipality_of_zone
from core.service_requests import STATUS_NAMES
from i18n.catalogs import DEFAULT, N_, pick, t

COMPLAINT_STATUS_NAMES = {"open": N_("open"), "answered": N_("answered"), "closed": N_("closed")}
COMPLAINT_KINDS = {"complaint": N_("complaint"), "inquiry": N_("inquiry"),
                   "suggestion": N_("suggestion")}


@dataclass(frozen=True)
class CaseStatus:
    outcome: str  # "found" | "not_found" | "bad_check_digit"
    reference: str = ""
    status: str = ""
    status_name: str = ""
    title: str = ""  # the service name, or the complaint's kind


def language_of(phone: str) -> str | None:
    with transaction() as session:
        return session.scalar(select(Citizen.language).where(Citizen.phone == phone))


def set_language(phone: str, language: str) -> None:
    with transaction() as session:
        citizen = session.scalar(select(Citizen).where(Citizen.phone == phone))
        if citizen is None:
            session.add(Citizen(phone=phone, language=language))
        else:
            citizen.language = language


def _request_status(session, phone: str, reference: str, lang: str) -> CaseStatus | None:  # type: ignore[no-untyped-def]
    request = session.scalar(select(ServiceRequest).join(Citizen).where(
        ServiceRequest.reference == reference, Citizen.phone == phone))
    if request is None:
        return None
    return CaseStatus("found", reference, request.status,
                      t(lang, STATUS_NAMES[request.status]), pick(request.service.name, lang))


def _complaint_status(session, phone: str, reference: str, lang: str) -> CaseStatus | None:  # type: ignore[no-untyped-def]
    complaint = session.scalar(select(Complaint).outerjoin(Citizen).where(
        Complaint.reference == reference,
        (Complaint.phone == phone) | (Citizen.phone == phone)))
    if complaint is None:
        return None
    return CaseStatus("found", reference, complaint.status,
                      t(lang, COMPLAINT_STATUS_NAMES[complaint.status]),
                      t(lang, COMPLAINT_KINDS.get(complaint.kind, complaint.kind)))


def case_status(phone: str, raw_reference: str, lang: str, channel: str) -> CaseStatus:
    """Only the phone that owns a case may read it; others get the same 'not found'."""
    reference = references.clean(raw_reference)
    if not references.looks_like_reference(reference) or not references.is_valid(reference):
        return CaseStatus("bad_check_digit", reference)
    with transaction() as session:
        found = (_request_status(session, phone, reference, lang)
                 or _complaint_status(session, phone, reference, lang))
        usage.record(session, "status_checked", channel)
    return found or CaseStatus("not_found", reference)


def file_complaint(phone: str, text: str, *, channel: str, language: str,
                   agency_code: str | None = None) -> str:
    filing = complaints.Filing(kind="complaint", text=text, channel=channel, language=language,
                               phone=phone, agency_code=agency_code)
    with transaction() as session:
        citizen = session.scalar(select(Citizen).where(Citizen.phone == phone))
        if citizen is not None:
            filing = complaints.Filing(**{**filing.__dict__, "citizen_id": citizen.id})
        return complaints.file(session, current_catalog(), filing).reference


def offices_near_zone(zone: int, service_ref: str | None = None, limit: int = 3
                      ) -> list[NearbyOffice]:
    """Offices nearest a zone's municipality (a keypad user knows their zone number)."""
    municipality = municipality_of_zone(zone)
    if municipality is None:
        return []
    lat, lng = MUNICIPALITY_CENTRES[municipality]
    catalog = current_catalog()
    service = catalog.find_service(service_ref) if service_ref else None
    return catalog.offices_near(lat=lat, lng=lng, radius_km=None, service=service,
                                agency=None)[:limit]


def preferred_language(phone: str, fallback: str = DEFAULT) -> str:
    return language_of(phone) or fallback
