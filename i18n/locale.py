"""Which language a caller wants: explicit choice, then Accept-Language, then Arabic."""
from __future__ import annotations

from i18n.catalogs import DEFAULT, supported


def parse_accept_language(header: str | None) -> list[str]:
    """Languages from an Accept-Language header, best first (q-values honoured)."""
    if not header:
        return []
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:20]):
        lang, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if lang and quality > 0:
            ranked.append((-quality, position, lang))
    return [lang for _, _, lang in sorted(ranked)]


def negotiate(explicit: str | None, accept_language: str | None) -> str:
    """An unknown explicit `lang` falls back to Arabic (the first language), per contract."""
    if explicit:
        return supported(explicit) or DEFAULT
    for lang in parse_accept_language(accept_language):
        if supported(lang):
            return supported(lang) or DEFAULT
    return DEFAULT
