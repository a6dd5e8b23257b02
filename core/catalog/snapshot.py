"""The catalogue read model: every record, the search index and lookups, built from the
database in one pass and then shared read-only by all threads of a process."""
from __future__ import annotations

import datetime as dt
import sys
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.catalog.geo import haversine_km
from core.catalog.records import (
    AgencyRecord,
    CategoryRecord,
    OfficeRecord,
    ServiceDetails,
    ServiceRecord,
)
from core.db import init_engine
from core.models import Agency, CatalogMeta, Category, Office, Service, service_offices
from core.search import SearchDoc, SearchIndex
from i18n.arabic import to_ascii_digits


@dataclass(frozen=True)
class ServiceFilter:
    agency: str | None = None
    category: str | None = None
    level: int | None = None
    channel: str | None = None

    def accepts(self, svc: ServiceRecord) -> bool:
        return ((self.agency is None or svc.agency_code == self.agency)
                and (self.category is None or svc.category_code == self.category)
                and (self.level is None or svc.level == self.level)
                and (self.channel is None or self.channel in svc.channels))


@dataclass(frozen=True)
class NearbyOffice:
    office: OfficeRecord
    distance_km: float | None


@dataclass
class CatalogSnapshot:
    version: int
    agencies: dict[str, AgencyRecord]
    categories: dict[str, CategoryRecord]
    offices: dict[str, OfficeRecord]
    services: dict[str, ServiceRecord]
    index: SearchIndex
    by_number: dict[int, ServiceRecord] = field(init=False)
    in_number_order: list[ServiceRecord] = field(init=False)
    # Encoded responses (list items, details, Open311 documents), dropped with the snapshot
    # on refresh; least recently added out first, so memory stays flat with 10 000 services.
    rendered: OrderedDict[tuple, bytes] = field(init=False, default_factory=OrderedDict)
    RENDERED_MAX = 8192

    def cached(self, key: tuple, render: Callable[[], bytes]) -> bytes:
        body = self.rendered.get(key)
        if body is None:
            body = self.rendered[key] = render()
            if len(self.rendered) > self.RENDERED_MAX:
                self.rendered.popitem(last=False)
        return body

    def __post_init__(self) -> None:
        self.by_number = {svc.number: svc for svc in self.services.values()}
        self.in_number_order = sorted(self.services.values(), key=lambda s: s.number)

    def find_service(self, ref: str) -> ServiceRecord | None:
        """By code (case-insensitive) or by number (any script's digits)."""
        ref = to_ascii_digits(ref).strip()
        if ref.isdigit():
            return self.by_number.get(int(ref))
        return self.services.get(ref.upper()) or self.services.get(ref)

    def search(self, query: str, filters: ServiceFilter) -> list[ServiceRecord]:
        """Ranked matches for `query`, or every service in number order when it is empty."""
        return self.search_page(query, filters, 0, len(self.services))[1]

    def search_page(self, query: str, filters: ServiceFilter, offset: int,
                    limit: int) -> tuple[int, list[ServiceRecord]]:
        """(How many match, the services at [offset, offset + limit)), best first; only the
        page is ranked in full, so a common word over 10 000 services stays cheap."""
        if not query.strip():
            matching = [svc for svc in self.in_number_order if filters.accepts(svc)]
            return len(matching), matching[offset:offset + limit]
        accept = None if filters == ServiceFilter() else (
            lambda key: filters.accepts(self.services[key]))
        total, ranked = self.index.top(query, offset + limit, accept)
        return total, [self.services[key] for key, _score in ranked[offset:]]

    def offices_near(self, *, lat: float | None, lng: float | None, radius_km: float | None,
                     service: ServiceRecord | None, agency: str | None) -> list[NearbyOffice]:
        candidates = self._office_candidates(service, agency)
        if lat is None or lng is None:
            return [NearbyOffice(o, None) for o in sorted(candidates, key=lambda o: o.code)]
        near = [NearbyOffice(o, round(haversine_km(lat, lng, o.lat, o.lng), 2)) for o in candidates]
        if radius_km is not None:
            near = [n for n in near if n.distance_km is not None and n.distance_km <= radius_km]
        return sorted(near, key=lambda n: (n.distance_km, n.office.code))

    def _office_candidates(self, service: ServiceRecord | None,
                           agency: str | None) -> list[OfficeRecord]:
        offices = list(self.offices.values())
        if service is not None:
            # A service with no listed office is served at its agency's offices.
            linked = [self.offices[c] for c in service.office_codes if c in self.offices]
            offices = linked or [o for o in offices if o.agency_code == service.agency_code]
        if agency is not None:
            offices = [o for o in offices if o.agency_code == agency]
        return offices


def _money(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


class DatabaseDetails:
    """Loads a service's heavy fields on first use and keeps the most recent ones."""

    def __init__(self, capacity: int = 2048):
        self._cache: OrderedDict[str, ServiceDetails] = OrderedDict()
        self._lock = threading.Lock()
        self._capacity = capacity

    def get(self, code: str) -> ServiceDetails:
        with self._lock:
            if code in self._cache:
                self._cache.move_to_end(code)
                return self._cache[code]
        details = self._load(code)
        with self._lock:
            self._cache[code] = details
            if len(self._cache) > self._capacity:
                self._cache.popitem(last=False)
        return details

    @staticmethod
    def _load(code: str) -> ServiceDetails:
        # Its own short session: the caller may be in the middle of a transaction.
        session = Session(init_engine())
        try:
            svc = session.scalar(select(Service).where(Service.code == code))
            if svc is None:
                raise KeyError(code)
            return ServiceDetails(
                description=svc.description or {}, keywords=svc.keywords or {},
                fee_note=svc.fee_note or {},
                required_documents=tuple(svc.required_documents or ()),
                forms=tuple(svc.forms or ()), processing_days=svc.processing_days,
                planned_launch=_iso(svc.planned_launch), launched_on=_iso(svc.launched_on),
                fields=tuple(svc.fields or ()))
        finally:
            session.close()


def current_version(session: Session) -> int:
    return session.scalar(select(CatalogMeta.version).where(CatalogMeta.id == 1)) or 0


def _office_links(session: Session) -> dict[int, list[str]]:
    links: dict[int, list[str]] = {}
    rows = session.execute(select(service_offices.c.service_id, Office.code)
                           .join(Office, Office.id == service_offices.c.office_id)
                           .order_by(Office.code))
    for service_id, code in rows:
        links.setdefault(service_id, []).append(sys.intern(code))
    return links


def _services(session: Session, agency_codes: dict[int, str], category_codes: dict[int, str],
              details: DatabaseDetails) -> dict[str, ServiceRecord]:
    links = _office_links(session)
    rows = session.execute(select(
        Service.id, Service.code, Service.number, Service.agency_id, Service.category_id,
        Service.level, Service.name, Service.fee_qar, Service.delivery_available,
        Service.channels))
    return {row.code: ServiceRecord(
        id=row.id, agency_id=row.agency_id, code=row.code, number=row.number,
        agency_code=agency_codes[row.agency_id],
        category_code=category_codes[row.category_id], level=row.level, name=row.name,
        fee_qar=_money(row.fee_qar), delivery_available=row.delivery_available,
        channels=tuple(sys.intern(c) for c in row.channels or ()),
        office_codes=tuple(links.get(row.id, ())), details=details,
    ) for row in rows}


def _search_docs(session: Session, agency_names: dict[int, tuple[str, ...]],
                 category_names: dict[int, tuple[str, ...]]) -> Iterator[SearchDoc]:
    """Streamed from the database: the index needs descriptions, memory need not keep them."""
    rows = session.execute(select(
        Service.code, Service.name, Service.keywords, Service.description, Service.agency_id,
        Service.category_id).execution_options(yield_per=500))
    for row in rows:
        yield SearchDoc(
            key=row.code, name=tuple((row.name or {}).values()),
            keywords=tuple(w for words in (row.keywords or {}).values() for w in words),
            description=tuple((row.description or {}).values()),
            extra=(*agency_names[row.agency_id], *category_names[row.category_id]))


def build_snapshot(session: Session) -> CatalogSnapshot:
    version = current_version(session)
    agency_rows = session.scalars(select(Agency).order_by(Agency.code)).all()
    category_rows = session.scalars(select(Category).order_by(Category.code)).all()
    agency_codes = {a.id: a.code for a in agency_rows}
    category_codes = {c.id: c.code for c in category_rows}
    services = _services(session, agency_codes, category_codes, DatabaseDetails())
    levels: dict[str, Counter[int]] = {}
    for svc in services.values():
        levels.setdefault(svc.agency_code, Counter())[svc.level] += 1
    per_category = Counter(svc.category_code for svc in services.values())
    agencies = {a.code: AgencyRecord(
        code=a.code, name=a.name, former_names=tuple(a.former_names or ()), hotline=a.hotline,
        website=a.website,
        levels={str(n): levels.get(a.code, Counter())[n] for n in (1, 2, 3, 4)},
    ) for a in agency_rows}
    categories = {c.code: CategoryRecord(c.code, c.name, per_category[c.code])
                  for c in category_rows}
    offices = {o.code: OfficeRecord(
        code=o.code, agency_code=agency_codes[o.agency_id], name=o.name, address=o.address or {},
        lat=o.lat, lng=o.lng, opening_hours=o.opening_hours, municipality=o.municipality,
        zone=o.zone,
    ) for o in session.scalars(select(Office))}
    index = SearchIndex.build(_search_docs(
        session, {a.id: (*a.name.values(), a.code) for a in agency_rows},
        {c.id: tuple(c.name.values()) for c in category_rows}))
    return CatalogSnapshot(version, agencies, categories, offices, services, index)
