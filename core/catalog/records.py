"""Immutable, language-independent catalogue records held in memory by every process."""
from __future__ import annotations

from dataclasses import dataclass

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
class ServiceRecord:
    code: str
    number: int
    agency_code: str
    category_code: str
    level: int
    name: Texts
    description: Texts
    keywords: dict[str, list[str]]
    fee_qar: int | float | None
    fee_note: Texts
    required_documents: tuple[Texts, ...]
    forms: tuple[dict, ...]
    processing_days: int | None
    delivery_available: bool
    channels: tuple[str, ...]
    planned_launch: str | None
    launched_on: str | None
    fields: tuple[dict, ...]
    office_codes: tuple[str, ...]

    @property
    def accepts_requests(self) -> bool:
        """Level 1 is information only; from level 2 a citizen can submit."""
        return self.level >= 2
