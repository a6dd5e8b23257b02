"""Qatar facts used by rules: zones to municipalities (QARS), QID structure."""
from __future__ import annotations

import datetime as dt
import re

# Zones 1-98 belong to the 8 municipalities (Qatar Area Referencing System).
MUNICIPALITY_ZONES: dict[str, tuple[int, ...]] = {
    "Doha": (*range(1, 51), 57, 58, *range(60, 69)),
    "Al Rayyan": (51, 52, 53, 54, 55, 56, 81, 83, 96, 97),
    "Al Daayen": (69, 70),
    "Umm Salal": (71,),
    "Al Khor & Al Thakhira": (74, 75, 76),
    "Al Shamal": (77, 78, 79),
    "Al Wakrah": (90, 91, 92, 93, 94, 95, 98),
    "Al Shahaniya": (72, 73, 80, 82, 84, 85, 86),
}
MUNICIPALITY_NAMES: dict[str, dict[str, str]] = {
    "Doha": {"ar": "الدوحة", "en": "Doha"},
    "Al Rayyan": {"ar": "الريان", "en": "Al Rayyan"},
    "Al Daayen": {"ar": "الضعاين", "en": "Al Daayen"},
    "Umm Salal": {"ar": "أم صلال", "en": "Umm Salal"},
    "Al Khor & Al Thakhira": {"ar": "الخور والذخيرة", "en": "Al Khor & Al Thakhira"},
    "Al Shamal": {"ar": "الشمال", "en": "Al Shamal"},
    "Al Wakrah": {"ar": "الوكرة", "en": "Al Wakrah"},
    "Al Shahaniya": {"ar": "الشحانية", "en": "Al Shahaniya"},
}
# Approximate centres, to find the offices nearest a zone when only the zone is known.
MUNICIPALITY_CENTRES: dict[str, tuple[float, float]] = {
    "Doha": (25.2854, 51.5310), "Al Rayyan": (25.2919, 51.4244),
    "Al Daayen": (25.4200, 51.4900), "Umm Salal": (25.4100, 51.4000),
    "Al Khor & Al Thakhira": (25.6804, 51.4969), "Al Shamal": (26.1300, 51.2000),
    "Al Wakrah": (25.1715, 51.6034), "Al Shahaniya": (25.3700, 51.2000),
}
ZONE_MUNICIPALITY = {zone: name for name, zones in MUNICIPALITY_ZONES.items() for zone in zones}

QID_PATTERN = re.compile(r"^[23]\d{10}$")
# ISO 3166-1 numeric codes seen most often in QIDs; others are accepted, just not confirmed.
COMMON_NATIONALITIES = {"634", "356", "586", "608", "050", "524", "818", "144", "124", "400",
                        "422", "760", "275", "729", "404", "566", "288", "826", "840", "682"}


def municipality_of_zone(zone: int) -> str | None:
    return ZONE_MUNICIPALITY.get(zone)


def qid_birth_year(qid: str) -> int:
    return (1900 if qid[0] == "2" else 2000) + int(qid[1:3])


def qid_warnings(qid: str, today: dt.date | None = None) -> list[str]:
    """Soft plausibility checks (no official QID specification exists): never a rejection."""
    today = today or dt.date.today()
    warnings = []
    year = qid_birth_year(qid)
    if year > today.year or today.year - year > 120:
        warnings.append("birth_year_unlikely")
    if qid[3:6] not in COMMON_NATIONALITIES:
        warnings.append("nationality_unconfirmed")
    return warnings
