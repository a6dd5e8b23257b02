"""Immutable, language-independent catalogue records held in memory by every process."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

Texts = dict[str, str]


@dataclass(frozen=True, slots=True)
class AgencyRecord:
    code: str
    name: Texts
    former_names: tuple[Texts, ...]
    hotline: str | None
    website: str | None
    levels: dict[str, int]

    @property
    def services_count(self) -> int:
        return sum(self.levels.values())


@dataclass(frozen=True, slots=True)
class CategoryRecord:
    code: str
    name: Texts
    services_count: int


@dataclass(frozen=True, slots=True)
class OfficeRecord:
    code: str
    agency_code: str
    name: Texts
    address: Texts
    lat: float
    lng: float
    opening_hours: str | None
    municipality: str | None
    zone: int | None


@dataclass(frozen=True, slots=True)
class ServiceDetails:
    """The heavy part of a service, read from the database when someone asks for it."""

    description: Texts
    keywords: dict[str, list[str]]
    fee_note: Texts
    required_documents: tuple[Texts, ...]
    forms: tuple[dict, ...]
    processing_days: int | None
    planned_launch: str | None
    launched_on: str | None
    fields: tuple[dict, ...]


class DetailSource(Protocol):
    def get(self, code: str) -> ServiceDetails: ...


@dataclass(frozen=True, slots=True)
class ServiceRecord:
    """What lists, search and keypads need of a service, kept in memory for every service;
    the rest (`ServiceDetails`) loads on first use, so 10 000 services stay small."""

    id: int  # database ids, so writes need no lookup
    agency_id: int
    code: str
    number: int
    agency_code: str
    category_code: str
    level: int
    name: Texts
    fee_qar: int | float | None
    delivery_available: bool
    channels: tuple[str, ...]
    office_codes: tuple[str, ...]
    details: DetailSource = field(compare=False, repr=False)

    @property
    def accepts_requests(self) -> bool:
        """Level 1 is information only; from level 2 a citizen can submit."""
        return self.level >= 2

    def _d(self) -> ServiceDetails:
        return self.details.get(self.code)

    description = property(lambda self: self._d().description)
    keywords = property(lambda self: self._d().keywords)
    fee_note = property(lambda self: self._d().fee_note)
    required_documents = property(lambda self: self._d().required_documents)
    forms = property(lambda self: self._d().forms)
    processing_days = property(lambda self: self._d().processing_days)
    planned_launch = property(lambda self: self._d().planned_launch)
    launched_on = property(lambda self: self._d().launched_on)
    fields = property(lambda self: self._d().fields)
