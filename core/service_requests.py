"""Service requests (levels 2-4): submit against the service's form, move through the status
machine with a history row per change, and tell the citizen each time."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from core import references, usage
from core.catalog.records import ServiceRecord
from core.catalog.snapshot import CatalogSnapshot
from core.citizens import parse_address
from core.errors import Conflict, Msg, NotFound, ValidationFailed, invalid
from core.forms import validate_answers
from core.identity import Caller
from core.models import Citizen, RequestDocument, RequestEvent, ServiceRequest
from core.notifications import notify_citizen
from core.times import iso, utcnow
from i18n.catalogs import N_, pick, t

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "submitted": ("in_review",),
    "in_review": ("needs_info", "approved", "rejected"),
    "needs_info": ("in_review",),
    "approved": ("completed", "dispatched"),
    "dispatched": ("delivered",),
}
STATUSES = ("submitted", "in_review", "needs_info", "approved", "rejected", "completed",
            "dispatched", "delivered")
OPEN_STATUSES = ("submitted", "in_review", "needs_info", "approved", "dispatched")
STATUS_NAMES = {
    "submitted": N_("submitted"), "in_review": N_("in review"),
    "needs_info": N_("waiting for more information from you"), "approved": N_("approved"),
    "rejected": N_("rejected"), "completed": N_("completed"),
    "dispatched": N_("sent by post"), "delivered": N_("delivered"),
}


def _delivery(svc: ServiceRecord, raw: Any, citizen: Callable[[], Citizen]) -> dict[str, Any]:
    if raw is None:
        return {"method": "pickup"}
    if not isinstance(raw, dict) or raw.get("method") not in ("pickup", "post"):
        raise invalid("delivery.method", N_("Must be one of: %(choices)s."),
                      choices="pickup, post")
    if raw["method"] == "pickup":
        return {"method": "pickup"}
    if not svc.delivery_available:
        raise invalid("delivery.method", N_("This service cannot deliver by post."))
    errors: dict[str, Msg] = {}
    address = parse_address(raw.get("address") or citizen().address, errors, "delivery.address")
    if errors or address is None:
        raise ValidationFailed(fields=errors or {
            "delivery.address": Msg(N_("Give zone, street and building numbers."))})
    return {"method": "post", "address": address}


@dataclass(frozen=True)
class RequestRow:
    """What the citizen's view of a request is rendered from (an ORM row works too)."""

    reference: str
    citizen_id: int
    status: str
    service_code: str
    view_data: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime


def _event(status: str, at: dt.datetime, note: dict[str, str] | None) -> dict[str, Any]:
    return {"status": status, "at": iso(at), "note": note}


# Built once: a statement with bound parameters compiles once and is reused from the cache.
_REQUESTS = cast(Table, ServiceRequest.__table__)
_INSERT_REQUEST = insert(_REQUESTS).returning(_REQUESTS.c.id)
_INSERT_EVENT = insert(cast(Table, RequestEvent.__table__))


def submit(session: Session, catalog: CatalogSnapshot, caller: Caller, body: Any,
           channel: str = "app") -> RequestRow:
    """Validate and write a new request: a handful of plain INSERTs, no lookups."""
    if not isinstance(body, dict):
        raise ValidationFailed(N_("Send a JSON object."))
    code = body.get("service_code")
    svc = catalog.find_service(str(code)) if isinstance(code, str | int) and code else None
    if svc is None:
        raise NotFound(N_("Unknown service."))
    if not svc.accepts_requests:
        raise invalid("service_code", N_("This service is information only; it takes no "
                                         "requests."))
    answers = validate_answers(svc.fields, body.get("fields"))
    delivery = _delivery(svc, body.get("delivery"), lambda: session.get_one(Citizen, caller.id))
    now, reference = utcnow(), references.issue(session, "request")
    view = {"fields": answers, "delivery": delivery, "channel": channel, "documents": [],
            "history": [_event("submitted", now, None)]}
    request_id = session.execute(_INSERT_REQUEST, {
        "reference": reference, "citizen_id": caller.id, "service_id": svc.id,
        "service_code": svc.code, "agency_id": svc.agency_id, "status": "submitted",
        "fields": answers, "delivery": delivery, "channel": channel, "view_data": view,
        "created_at": now, "updated_at": now}).scalar_one()
    session.execute(_INSERT_EVENT, {"request_id": request_id, "status": "submitted",
                                    "actor": caller.actor, "note": None, "at": now})
    usage.record(session, "request_submitted", channel, service_code=svc.code,
                 agency_code=svc.agency_code)
    return RequestRow(reference, caller.id, "submitted", svc.code, view, now, now)


_ROW_COLUMNS = (ServiceRequest.reference, ServiceRequest.citizen_id, ServiceRequest.status,
                ServiceRequest.service_code, ServiceRequest.view_data,
                ServiceRequest.created_at, ServiceRequest.updated_at)


def fetch_for_citizen(session: Session | Connection, citizen_id: int,
                      reference: str) -> RequestRow:
    """One indexed read; someone else's request does not exist for this caller."""
    row = session.execute(select(*_ROW_COLUMNS).where(
        ServiceRequest.reference == references.clean(reference)[:16])).first()
    if row is None or row.citizen_id != citizen_id:
        raise NotFound()
    return RequestRow(*row)


def list_for_citizen(session: Session | Connection, citizen_id: int, status: str | None,
                     page_no: int,
                     per_page: int) -> tuple[list[RequestRow], int]:
    query = select(*_ROW_COLUMNS).where(ServiceRequest.citizen_id == citizen_id)
    if status:
        query = query.where(ServiceRequest.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(ServiceRequest.id.desc())
                           .offset((page_no - 1) * per_page).limit(per_page))
    return [RequestRow(*row) for row in rows], total


def find_for_citizen(session: Session, citizen_id: int, reference: str) -> ServiceRequest:
    request = session.scalar(select(ServiceRequest).where(
        ServiceRequest.reference == references.clean(reference)).with_for_update())
    if request is None or request.citizen_id != citizen_id:
        raise NotFound()  # someone else's request does not exist for this caller
    return request


def add_document(session: Session, request: ServiceRequest, document: RequestDocument) -> None:
    request.documents.append(document)
    session.flush()
    view = dict(request.view_data)
    view["documents"] = [*view.get("documents", []), document_view(document)]
    request.view_data = view  # a new object, so the JSON change is saved


def find_for_agency(session: Session, agency_id: int, reference: str) -> ServiceRequest:
    request = session.scalar(select(ServiceRequest).where(
        ServiceRequest.reference == references.clean(reference)).with_for_update())
    if request is None or request.agency_id != agency_id:
        raise NotFound()
    return request


def _note(raw: Any) -> dict[str, str] | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = {"ar": raw, "en": raw}
    if not isinstance(raw, dict) or not all(isinstance(raw.get(k, ""), str) for k in ("ar", "en")):
        raise invalid("note", N_("Give the note as {\"ar\": ..., \"en\": ...}."))
    note = {k: raw[k].strip()[:2000] for k in ("ar", "en") if raw.get(k)}
    return note or None


def change_status(session: Session, caller: Caller, reference: str, body: Any) -> ServiceRequest:
    if not isinstance(body, dict) or body.get("status") not in STATUSES:
        raise invalid("status", N_("Must be one of: %(choices)s."), choices=", ".join(STATUSES))
    request = find_for_agency(session, caller.agency_id or 0, reference)
    new = body["status"]
    if new not in _allowed_next(request):
        raise Conflict(N_("A request that is %(current)s cannot become %(new)s."),
                       current=request.status, new=new)
    note, now = _note(body.get("note")), utcnow()
    request.status = new
    request.history.append(RequestEvent(status=new, note=note, actor=caller.actor, at=now))
    view = dict(request.view_data)
    view["history"] = [*view.get("history", []), _event(new, now, note)]
    request.view_data = view
    _tell_citizen(session, request, new)
    session.flush()
    return request


def _allowed_next(request: ServiceRequest) -> tuple[str, ...]:
    allowed = TRANSITIONS.get(request.status, ())
    if request.status == "approved":
        # Postal delivery goes out by post; everything else is completed at the counter.
        by_post = (request.delivery or {}).get("method") == "post"
        return ("dispatched",) if by_post else ("completed",)
    return allowed


def _tell_citizen(session: Session, request: ServiceRequest, status: str) -> None:
    citizen, service = request.citizen, request.service
    lang = citizen.language or "ar"
    notify_citizen(
        session, citizen, title=N_("Request %(reference)s"),
        body=N_("Your request for %(service)s is now %(status)s."),
        data={"type": "request_status", "reference": request.reference, "status": status},
        params={"reference": request.reference, "service": service.name.get(lang, ""),
                "status": _status_text(status, lang)},
        dedupe_key=f"request:{request.reference}:{len(request.history)}")


def _status_text(status: str, lang: str) -> str:
    return t(lang, STATUS_NAMES[status])


def request_view(request: RequestRow | ServiceRequest, lang: str, catalog: CatalogSnapshot,
                 *, with_history: bool = True) -> dict[str, Any]:
    """The citizen's view, from the row's read model and the in-memory catalogue."""
    svc = catalog.services.get(request.service_code)
    agency = catalog.agencies.get(svc.agency_code) if svc else None
    data = request.view_data or {}
    view: dict[str, Any] = {
        "reference": request.reference, "status": request.status,
        "status_name": _status_text(request.status, lang),
        "service_code": request.service_code, "service_name": pick(svc.name, lang) if svc else "",
        "agency": {"code": agency.code, "name": pick(agency.name, lang)} if agency else None,
        "fields": data.get("fields", {}), "delivery": data.get("delivery"),
        "channel": data.get("channel"),
        "created_at": iso(request.created_at), "updated_at": iso(request.updated_at),
    }
    if with_history:
        view["history"] = [{"status": e["status"], "at": e["at"],
                            "note": pick(e["note"], lang) if e.get("note") else None}
                           for e in data.get("history", [])]
        view["documents"] = data.get("documents", [])
    return view


def document_view(document: Any) -> dict[str, Any]:
    return {"id": document.id, "name": document.name, "size": document.size,
            "content_type": document.content_type}

