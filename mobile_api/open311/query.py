"""GET Service Requests: the filters of the specification, and the search behind them.

Defaults (specification, "Response Volume"): the most recent 90 days, at most 1000 requests,
newest first. service_request_id overrides every other argument."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from core import references
from core.catalog.snapshot import CatalogSnapshot
from core.errors import Msg, ValidationFailed, invalid
from core.models import Complaint, Service, ServiceRequest
from core.service_requests import OPEN_STATUSES
from core.times import aware, utcnow
from i18n.arabic import to_ascii_digits
from i18n.catalogs import N_
from mobile_api.open311.items import OPEN_COMPLAINT

LIMIT = 1000
WINDOW = dt.timedelta(days=90)
STATUSES = ("open", "closed")
BAD_DATE = N_("Use an ISO 8601 date and time, e.g. 2026-01-31T00:00:00Z.")
Case = Complaint | ServiceRequest


@dataclass(frozen=True)
class Filters:
    ids: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    start: dt.datetime | None = None
    end: dt.datetime | None = None


def _listed(raw: str | None) -> tuple[str, ...]:
    """A comma-delimited argument (the spec's way to declare several values)."""
    return tuple(dict.fromkeys(p.strip() for p in (raw or "").split(",") if p.strip()))


def parse_datetime(name: str, raw: str | None) -> dt.datetime | None:
    if not raw or not raw.strip():
        return None
    # An unencoded "+03:00" arrives as " 03:00": put the plus sign back.
    text = to_ascii_digits(raw).strip().replace(" ", "+")
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise invalid(name, BAD_DATE) from None
    return aware(value).astimezone(dt.UTC)  # no zone given: UTC, as everything is stored


def window(start: dt.datetime | None, end: dt.datetime | None, now: dt.datetime
           ) -> tuple[dt.datetime, dt.datetime]:
    """The searched range: the given bounds; a missing one is 90 days from the other; with
    neither, the most recent 90 days (spec)."""
    if end is None:
        end = now if start is None else start + WINDOW
    if start is None:
        start = end - WINDOW
    if start > end:
        raise invalid("start_date", N_("start_date must be before end_date."))
    if end - start > WINDOW:
        raise invalid("end_date", N_("start_date and end_date may be at most 90 days apart."))
    return start, end


def _statuses(raw: str | None) -> tuple[str, ...]:
    statuses = _listed(raw)
    if any(s not in STATUSES for s in statuses):
        raise invalid("status", N_("Must be one of: %(choices)s."), choices=", ".join(STATUSES))
    return statuses


def _collect_dates(args: Mapping[str, str], errors: dict[str, Msg]
                   ) -> tuple[dt.datetime | None, dt.datetime | None]:
    bounds = []
    for name in ("start_date", "end_date"):
        try:
            bounds.append(parse_datetime(name, args.get(name)))
        except ValidationFailed as exc:
            errors.update(exc.fields)
            bounds.append(None)
    return bounds[0], bounds[1]


def parse_filters(args: Mapping[str, str], catalog: CatalogSnapshot,
                  now: dt.datetime | None = None) -> Filters:
    ids = tuple(references.clean(i) for i in _listed(args.get("service_request_id")))
    if ids:
        return Filters(ids=ids[:LIMIT])  # overrides all other arguments (spec)
    errors: dict[str, Msg] = {}
    start, end = _collect_dates(args, errors)
    statuses: tuple[str, ...] = ()
    try:
        statuses = _statuses(args.get("status"))
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed(fields=errors)
    start, end = window(start, end, now or utcnow())
    return Filters(codes=_codes(args.get("service_code"), catalog), statuses=statuses,
                   start=start, end=end)


def _codes(raw: str | None, catalog: CatalogSnapshot) -> tuple[str, ...]:
    # Unknown codes stay as given: they match nothing, and no match is 200 [] (contract).
    return tuple(getattr(catalog.find_service(c), "code", c) for c in _listed(raw))


def _narrowed(query: Select, model: type[Case], filters: Filters, open_values: tuple[str, ...]
              ) -> Select:
    if filters.ids:
        return query.where(model.reference.in_(filters.ids))
    query = query.where(model.created_at >= filters.start, model.created_at <= filters.end)
    if filters.codes:
        query = query.where(model.service_id.in_(
            select(Service.id).where(Service.code.in_(filters.codes))))
    if len(filters.statuses) == 1:
        is_open = model.status.in_(open_values)
        query = query.where(is_open if filters.statuses[0] == "open" else ~is_open)
    return query.order_by(model.created_at.desc(), model.id.desc()).limit(LIMIT)


def search(session: Session, filters: Filters) -> list[Case]:
    complaints = select(Complaint).options(selectinload(Complaint.service),
                                           selectinload(Complaint.agency),
                                           selectinload(Complaint.messages))
    requests = select(ServiceRequest).options(selectinload(ServiceRequest.service),
                                              selectinload(ServiceRequest.agency),
                                              selectinload(ServiceRequest.history))
    found: list[Case] = [*session.scalars(_narrowed(complaints, Complaint, filters,
                                                    OPEN_COMPLAINT)),
                         *session.scalars(_narrowed(requests, ServiceRequest, filters,
                                                    OPEN_STATUSES))]
    found.sort(key=lambda case: (aware(case.created_at), case.reference), reverse=True)
    return found[:LIMIT]


def find_one(session: Session, reference: str) -> Case | None:
    filters = Filters(ids=(references.clean(reference),))
    found = search(session, filters)
    return found[0] if found else None
