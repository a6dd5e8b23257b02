"""The catalogue read model: every record, the search index and lookups, built from the
database in one pass and then shared read-only by all threads of a process."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from core.catalog.geo import haversine_km
from core.catalog.records import AgencyRecord, CategoryRecord, OfficeRecord, ServiceRecord
from core.models import Agency, CatalogMeta, Category, Office, Service
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
    by_number: dict[int, ServiceRecord] = field(init=False)
    in_number_order: list[ServiceRecord] = field(init=False)
    index: SearchIndex = field(init=False)
    # Encoded responses, per (kind, key, language); dropped with the snapshot on refresh.
    rendered: dict[tuple, bytes] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.by_number = {svc.number: svc for svc in self.services.values()}
        self.in_number_order = sorted(self.services.values(), key=lambda s: s.number)
        self.index = SearchIndex.build(self._search_docs())

    def _search_docs(self) -> Iterable[SearchDoc]:
        for svc in self.services.values():
            agency, category = self.agencies[svc.agency_code], self.categories[svc.category_code]
            yield SearchDoc(
                key=svc.code,
                name=tuple(svc.name.values()),
                keywords=tuple(w for words in svc.keywords.values() for w in words),
                description=tuple(svc.description.values()),
                extra=(*agency.name.values(), *category.name.values(), agency.code),
            )

    def find_service(self, ref: str) -> ServiceRecord | None:
        """By code (case-insensitive) or by number (any script's digits)."""
        ref = to_ascii_digits(ref).strip()
        if ref.isdigit():
            return self.by_number.get(int(ref))
        return self.services.get(ref.upper()) or self.services.get(ref)

    def search(self, query: str, filters: ServiceFilter) -> list[ServiceRecord]:
        """Ranked matches for `query`, or every service in number order when it is empty."""
        if not query.strip():
            return [svc for svc in self.in_number_order if filters.accepts(svc)]
        ranked = (self.services[key] for key, _score in self.index.search(query))
        return [svc for svc in ranked if filters.accepts(svc)]

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


def _service_record(svc: Service) -> ServiceRecord:
    return ServiceRecord(
        code=svc.code, number=svc.number, agency_code=svc.agency.code,
        category_code=svc.category.code, level=svc.level, name=svc.name,
        description=svc.description or {}, keywords=svc.keywords or {},
        fee_qar=_money(svc.fee_qar), fee_note=svc.fee_note or {},
        required_documents=tuple(svc.required_documents or ()), forms=tuple(svc.forms or ()),
        processing_days=svc.processing_days, delivery_available=svc.delivery_available,
        channels=tuple(svc.channels or ()),
        planned_launch=svc.planned_launch.isoformat() if svc.planned_launch else None,
        launched_on=svc.launched_on.isoformat() if svc.launched_on else None,
        fields=tuple(svc.fields or ()), office_codes=tuple(o.code for o in svc.offices),
    )


def current_version(session: Session) -> int:
    return session.scalar(select(CatalogMeta.version).where(CatalogMeta.id == 1)) or 0


def build_snapshot(session: Session) -> CatalogSnapshot:
    version = current_version(session)
    rows = session.scalars(select(Service).options(
        selectinload(Service.agency), selectinload(Service.category),
        selectinload(Service.offices))).all()
    services = {svc.code: _service_record(svc) for svc in rows}
    levels: dict[str, Counter[int]] = {}
    for svc in services.values():
        levels.setdefault(svc.agency_code, Counter())[svc.level] += 1
    per_category = Counter(svc.category_code for svc in services.values())
    agencies = {a.code: AgencyRecord(
        code=a.code, name=a.name, former_names=tuple(a.former_names or ()), hotline=a.hotline,
        website=a.website,
        levels={str(n): levels.get(a.code, Counter())[n] for n in (1, 2, 3, 4)},
    ) for a in session.scalars(select(Agency).order_by(Agency.code))}
    categories = {c.code: CategoryRecord(c.code, c.name, per_category[c.code])
                  for c in session.scalars(select(Category).order_by(Category.code))}
    offices = {o.code: OfficeRecord(
        code=o.code, agency_code=o.agency.code, name=o.name, address=o.address or {},
        lat=o.lat, lng=o.lng, opening_hours=o.opening_hours, municipality=o.municipality,
        zone=o.zone,
    ) for o in session.scalars(select(Office).options(selectinload(Office.agency)))}
    return CatalogSnapshot(version, agencies, categories, offices, services)
