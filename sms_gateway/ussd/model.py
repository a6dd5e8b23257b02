"""The menus' vocabulary: what they ask of the core (`MenuContext`), the screens on the
navigation stack (`Frame`), the ending of a session (`Ending`) and the replay `State`.

Records are described by Protocols, so the real catalogue records and tests' plain stubs
both fit."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

Texts = dict[str, str]


class Named(Protocol):
    code: str
    name: Texts


class ServiceLike(Named, Protocol):
    number: int
    level: int
    fee_qar: int | float | None


class CaseLike(Protocol):
    outcome: str  # "found" | "not_found" | "bad_check_digit"
    reference: str
    status_name: str
    title: str


class OfficeLike(Protocol):
    name: Texts
    opening_hours: str | None


class NearbyLike(Protocol):
    office: OfficeLike


@dataclass(frozen=True)
class MenuContext:
    """The caller's language plus every lookup and action the menus may need."""

    lang: str
    categories: Callable[[], Sequence[Named]]
    services: Callable[[str], Sequence[ServiceLike]]  # of one category
    service: Callable[[str], ServiceLike | None]
    agencies: Callable[[], Sequence[Named]]
    case_status: Callable[[str], CaseLike]
    file_complaint: Callable[[str | None, str], str]  # (agency code, text) -> reference
    set_language: Callable[[str], None]
    offices_near: Callable[[str, str | None], Sequence[NearbyLike]]  # (municipality, service)


# Screens (frames on the navigation stack).
HOME, CATEGORIES, SERVICES, DETAIL = "home", "categories", "services", "detail"
MUNICIPALITIES, STATUS, AGENCIES = "municipalities", "status", "agencies"
COMPLAINT, CONFIRM, LANGUAGE = "complaint", "confirm", "language"
LISTS = frozenset({CATEGORIES, SERVICES, MUNICIPALITIES, AGENCIES})

# Endings (the screen that closes the session); the first three act on the core.
STATUS_END, COMPLAINT_END, LANGUAGE_END = "status", "complaint", "language"
OFFICES_END, UNKNOWN_SERVICE_END, TOO_LONG_END = "offices", "unknown_service", "too_long"
EFFECTS = frozenset({STATUS_END, COMPLAINT_END, LANGUAGE_END})


@dataclass(frozen=True)
class Frame:
    kind: str
    arg: str = ""  # category, service, municipality or agency code
    page: int = 0
    text: str = ""  # the complaint, on the confirm screen


@dataclass(frozen=True)
class Ending:
    kind: str
    arg: str = ""
    text: str = ""

    @property
    def has_effect(self) -> bool:
        return self.kind in EFFECTS


@dataclass(frozen=True)
class State:
    stack: tuple[Frame, ...] = (Frame(HOME),)
    invalid: bool = False  # the last input was not a choice of the screen on top
    ending: Ending | None = None
    consumed: int = 0  # inputs used; anything after an ending is ignored

    @property
    def top(self) -> Frame:
        return self.stack[-1]


Outcome = Frame | Ending | None  # push a screen, end the session, or "invalid choice"


