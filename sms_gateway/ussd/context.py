"""The real `MenuContext`: the menus' lookups and actions wired to the core for one caller.

Catalogue lookups read the in-memory snapshot (no database round trip); only the status
lookup, the complaint and the language choice touch the database (through core.keypad).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import cache

from core import keypad
from core.catalog.cache import current_catalog
from core.catalog.records import AgencyRecord, CategoryRecord, ServiceRecord
from core.catalog.snapshot import CatalogSnapshot, NearbyOffice, ServiceFilter
from core.qatar import MUNICIPALITY_ZONES
from i18n.catalogs import N_, t
from sms_gateway.ussd.menus import MenuContext

CHANNEL = "ussd"
# keypad.case_status gives a complaint's kind as its code; the caller reads words.
KIND_NAMES = {"complaint": N_("complaint"), "inquiry": N_("inquiry"),
              "suggestion": N_("suggestion")}


def categories_in_order(catalog: CatalogSnapshot) -> list[CategoryRecord]:
    """Non-empty categories, biggest first: on a keypad every `98` costs a round trip."""
    found = [c for c in catalog.categories.values() if c.services_count]
    return sorted(found, key=lambda c: (-c.services_count, c.code))


def agencies_in_order(catalog: CatalogSnapshot) -> list[AgencyRecord]:
    return sorted(catalog.agencies.values(), key=lambda a: (-a.services_count, a.code))


def services_of(catalog: CatalogSnapshot, category: str) -> list[ServiceRecord]:
    return catalog.search("", ServiceFilter(category=category))  # in number order


def _offices_near(municipality: str, service_code: str | None) -> Sequence[NearbyOffice]:
    zones = MUNICIPALITY_ZONES.get(municipality)
    return keypad.offices_near_zone(zones[0], service_code) if zones else []


def _case_status(phone: str, reference: str, lang: str) -> keypad.CaseStatus:
    case = keypad.case_status(phone, reference, lang, CHANNEL)
    kind = KIND_NAMES.get(case.title)
    return replace(case, title=t(lang, kind)) if kind else case


def core_context(phone: str, lang: str) -> MenuContext:
    # One snapshot for the whole hop, so a catalogue refresh cannot shift a list mid-replay.
    catalog = current_catalog()
    return MenuContext(
        lang=lang,
        # Cached for the hop: the replay asks for the same lists at every step.
        categories=cache(lambda: categories_in_order(catalog)),
        services=cache(lambda category: services_of(catalog, category)),
        service=catalog.find_service,
        agencies=cache(lambda: agencies_in_order(catalog)),
        case_status=lambda reference: _case_status(phone, reference, lang),
        file_complaint=lambda agency, text: keypad.file_complaint(
            phone, text, channel=CHANNEL, language=lang, agency_code=agency),
        set_language=lambda new: keypad.set_language(phone, new),
        offices_near=_offices_near,
    )
