"""Complaints, inquiries and suggestions: filed from any channel, answered by the agency,
reopened when the citizen replies. open -> answered -> closed."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import references, usage
from core.catalog.snapshot import CatalogSnapshot
from core.errors import Conflict, Msg, NotFound, ValidationFailed, invalid
from core.identity import Caller
from core.models import Agency, Citizen, Complaint, ComplaintMessage, Service
from core.notifications import notify_citizen
from core.times import iso
from i18n.catalogs import N_, pick

KINDS = ("complaint", "inquiry", "suggestion")
MAX_TEXT = 2000


@dataclass(frozen=True)
class Filing:
    """A complaint as any channel hands it to the core."""

    kind: str
    text: str
    channel: str
    language: str
    citizen_id: int | None = None
    phone: str | None = None
    agency_code: str | None = None
    service_code: str | None = None
    lat: float | None = None
    lng: float | None = None
    address: str | None = None
    attributes: dict[str, Any] | None = None  # answers to the service's form (Open311)
    contact: dict[str, Any] | None = None  # name / email given without an account
    media_url: str | None = None


def _text(raw: Any, field: str = "text") -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise invalid(field, N_("This field is required."))
    if len(raw) > MAX_TEXT:
        raise invalid(field, N_("Must be at most %(max)s characters."), max=MAX_TEXT)
    return raw.strip()


def _location(raw: Any) -> tuple[float | None, float | None]:
    if raw is None:
        return None, None
    try:
        lat, lng = float(raw["lat"]), float(raw["lng"])
    except (TypeError, KeyError, ValueError):
        raise invalid("location", N_("Give lat and lng as numbers.")) from None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise invalid("location", N_("Give lat and lng as numbers."))
    return lat, lng


def filing_from_json(body: Any, caller: Caller, channel: str, language: str) -> Filing:
    if not isinstance(body, dict):
        raise ValidationFailed(N_("Send a JSON object."))
    errors: dict[str, Msg] = {}
    if body.get("kind") not in KINDS:
        errors["kind"] = Msg(N_("Must be one of: %(choices)s."), {"choices": ", ".join(KINDS)})
    try:
        text = _text(body.get("text"))
    except ValidationFailed as exc:
        errors.update(exc.fields)
        text = ""
    lat, lng = _location(body.get("location"))
    if errors:
        raise ValidationFailed(fields=errors)
    return Filing(kind=body["kind"], text=text, channel=channel, language=language,
                  citizen_id=caller.id, agency_code=_opt_str(body.get("agency")),
                  service_code=_opt_str(body.get("service_code")), lat=lat, lng=lng)


def _opt_str(value: Any) -> str | None:
    return str(value).strip() or None if value not in (None, "") else None


def _resolve_targets(session: Session, catalog: CatalogSnapshot, filing: Filing
                     ) -> tuple[int | None, int | None]:
    service_id = agency_id = None
    if filing.service_code:
        svc = catalog.find_service(filing.service_code)
        if svc is None:
            raise invalid("service_code", N_("Unknown service."))
        service_id = session.scalar(select(Service.id).where(Service.code == svc.code))
        filing = Filing(**{**filing.__dict__, "agency_code": filing.agency_code or svc.agency_code})
    if filing.agency_code:
        agency_id = session.scalar(select(Agency.id).where(
            Agency.code == filing.agency_code.upper()))
        if agency_id is None:
            raise invalid("agency", N_("Unknown agency."))
    return agency_id, service_id


def file(session: Session, catalog: CatalogSnapshot, filing: Filing) -> Complaint:
    agency_id, service_id = _resolve_targets(session, catalog, filing)
    complaint = Complaint(
        reference=references.issue(session, "complaint"), citizen_id=filing.citizen_id,
        phone=filing.phone, kind=filing.kind, text=filing.text, agency_id=agency_id,
        service_id=service_id, lat=filing.lat, lng=filing.lng, address=filing.address,
        attributes=filing.attributes, contact=filing.contact, media_url=filing.media_url,
        status="open", channel=filing.channel, language=filing.language)
    session.add(complaint)
    agency = session.get(Agency, agency_id) if agency_id else None
    usage.record(session, "complaint_filed", filing.channel,
                 agency_code=agency.code if agency else None)
    session.flush()
    return complaint


def find_for_citizen(session: Session, citizen: Citizen, reference: str) -> Complaint:
    """Visible to the citizen who filed it, by account or by the phone it came from."""
    complaint = session.scalar(select(Complaint).where(
        Complaint.reference == references.clean(reference)).with_for_update())
    if complaint is None or not (complaint.citizen_id == citizen.id
                                 or complaint.phone == citizen.phone):
        raise NotFound()
    return complaint


def find_for_agency(session: Session, agency_id: int, reference: str) -> Complaint:
    complaint = session.scalar(select(Complaint).where(
        Complaint.reference == references.clean(reference)).with_for_update())
    if complaint is None or complaint.agency_id != agency_id:
        raise NotFound()
    return complaint


def agency_reply(session: Session, caller: Caller, reference: str, body: Any) -> Complaint:
    text = _text(body.get("text") if isinstance(body, dict) else None)
    complaint = find_for_agency(session, caller.agency_id or 0, reference)
    if complaint.status == "closed":
        raise Conflict(N_("This complaint is closed."))
    complaint.messages.append(ComplaintMessage(author="agency", actor=caller.actor, text=text))
    complaint.status = "answered"
    _tell_citizen(session, complaint)
    session.flush()
    return complaint


def citizen_reply(session: Session, citizen: Citizen, reference: str, body: Any) -> Complaint:
    text = _text(body.get("text") if isinstance(body, dict) else None)
    complaint = find_for_citizen(session, citizen, reference)
    if complaint.status == "closed":
        raise Conflict(N_("This complaint is closed."))
    complaint.messages.append(ComplaintMessage(author="citizen", actor=f"citizen:{citizen.id}",
                                               text=text))
    complaint.status = "open"  # a reply reopens an answered complaint
    session.flush()
    return complaint


def close(session: Session, complaint: Complaint) -> Complaint:
    if complaint.status == "closed":
        raise Conflict(N_("This complaint is closed."))
    complaint.status = "closed"
    session.flush()
    return complaint


def _tell_citizen(session: Session, complaint: Complaint) -> None:
    citizen = session.get(Citizen, complaint.citizen_id) if complaint.citizen_id else None
    if citizen is None and complaint.phone:
        citizen = session.scalar(select(Citizen).where(Citizen.phone == complaint.phone))
    if citizen is None:
        return  # filed anonymously (e.g. Open311 without contact): nobody to tell
    notify_citizen(
        session, citizen, title=N_("Complaint %(reference)s"),
        body=N_("The agency has answered. Open the app or send STATUS %(reference)s."),
        data={"type": "complaint_answered", "reference": complaint.reference},
        params={"reference": complaint.reference},
        dedupe_key=f"complaint:{complaint.reference}:{len(complaint.messages)}")


def complaint_view(complaint: Complaint, lang: str) -> dict[str, Any]:
    return {
        "reference": complaint.reference, "kind": complaint.kind, "status": complaint.status,
        "text": complaint.text, "channel": complaint.channel,
        "agency": {"code": complaint.agency.code, "name": pick(complaint.agency.name, lang)}
        if complaint.agency else None,
        "service_code": complaint.service.code if complaint.service else None,
        "location": {"lat": complaint.lat, "lng": complaint.lng}
        if complaint.lat is not None else None,
        "created_at": iso(complaint.created_at), "updated_at": iso(complaint.updated_at),
        "replies": [{"author": m.author, "text": m.text, "at": iso(m.at)}
                    for m in complaint.messages],
    }
