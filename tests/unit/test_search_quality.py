"""Search quality on the bundled demo catalogue: what a citizen types -> the service they meant.

The index is built exactly as the catalogue snapshot builds it (name, keywords, description;
agency and category names plus the agency code as `extra`), from the JSON file alone: no
database. A case expects its service FIRST unless it says `top=3`, which is kept for queries
that genuinely fit several services (the reason is given next to each).
"""
from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import core.search
from core.search import SearchDoc, SearchIndex, _bit_positions

CATALOG = Path(__file__).resolve().parents[2] / "core" / "catalog_data" / "qatar_demo.json"


def _load() -> dict[str, Any]:
    with CATALOG.open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def _doc(svc: dict[str, Any], agencies: dict[str, Any], categories: dict[str, Any]) -> SearchDoc:
    agency, category = agencies[svc["agency"]], categories[svc["category"]]
    keywords = svc.get("keywords") or {}
    return SearchDoc(
        key=svc["code"],
        name=(svc["name"]["ar"], svc["name"]["en"]),
        keywords=(*keywords.get("ar", ()), *keywords.get("en", ())),
        description=tuple((svc.get("description") or {}).values()),
        extra=(*agency["name"].values(), *category["name"].values(), agency["code"]),
    )


CATALOGUE = _load()
SERVICES = CATALOGUE["services"]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    agencies = {a["code"]: a for a in CATALOGUE["agencies"]}
    categories = {c["code"]: c for c in CATALOGUE["categories"]}
    return SearchIndex.build(_doc(s, agencies, categories) for s in SERVICES)


CASES: list[tuple[str, str, int]] = [
    # (query, expected service code, must be within the first `top` results)
    # -- alef and hamza forms
    ("تجديد الاقامه", "MOI-RP-RENEW", 1),
    ("اصدار رخصه القياده", "MOI-GDT-DL-ISSUE", 1),
    ("اغلاق الطرق", "ASHGHAL-ROAD-CLOSURES", 1),
    # one word: replacing, reactivating and renewing a residence permit all fit
    ("الاقامه", "MOI-RP-RENEW", 3),
    # -- taa marbuta written as heh
    ("تجديد البطاقه الصحيه", "HMC-HC-RENEW", 1),
    ("شهاده الوفاه", "MOPH-DEATH-CERT", 1),
    ("حاسبه الزكاه", "AWQAF-ZAKAT-CALC", 1),
    # -- alef maqsura written as yeh
    ("شكوي حمايه المستهلك", "MOCI-CONSUMER-COMPLAINT", 1),
    ("مستشفي", "HMC-HOSPITALS-INFO", 1),
    # -- diacritics and tatweel
    ("تَجْدِيدُ رُخْصَةِ القِيَادَةِ", "MOI-GDT-DL-RENEW", 1),
    ("تـجـديـد الـبـطـاقـة الـصـحـيـة", "HMC-HC-RENEW", 1),
    # -- Persian/Urdu keyboard letters (ی ک)
    ("تجدید رخصه القیاده", "MOI-GDT-DL-RENEW", 1),
    ("سداد فاتورة الکهرباء", "KAHRAMAA-BILL-PAY", 1),
    # -- Arabic-Indic and Extended Arabic-Indic digits
    ("١٠٩", "MCIT-109", 1),
    ("۱۰۹", "MCIT-109", 1),
    # -- bidi marks pasted around words
    ("\u200fتجديد\u200f \u200eالاستمارة\u200e", "MOI-GDT-ISTIMARA-RENEW", 1),
    # -- Latin case
    ("RENEW DRIVING LICENCE", "MOI-GDT-DL-RENEW", 1),
    ("Pay Traffic Fines", "MOI-GDT-FINES-PAY", 1),
    # -- light stemming (prefixes و ال, suffixes, English -ing/-s)
    ("والرخص التجارية", "MOCI-PROV-LICENCE", 1),
    ("الاستعلام عن المخالفات", "MOI-GDT-FINES-INQ", 1),
    ("renewing passports", "MOI-GDP-PASSPORT-QA", 1),
    ("licences for hunting", "MOECC-HUNTING-LICENCE", 1),
    # -- broken plurals (lemma table)
    ("شكاوى العمال", "MOL-LABOUR-COMPLAINT", 1),
    ("تطعيمات الاطفال", "PHCC-VAX-APPT", 1),
    ("مستشفيات", "HMC-HOSPITALS-INFO", 1),
    # paying and looking up electricity bills both fit "فواتير الكهرباء"
    ("فواتير الكهرباء", "KAHRAMAA-BILL-PAY", 3),
    # -- synonyms: transliterations, colloquial words, multi-word phrases
    ("metrash", "MOI-METRASH-REG", 1),
    # "istimara" alone fits renewing and replacing the istimara equally
    ("istimara", "MOI-GDT-ISTIMARA-RENEW", 3),
    ("دفع فاتورة كهرماء", "KAHRAMAA-BILL-PAY", 1),
    ("kahramaa bill", "KAHRAMAA-BILL-PAY", 3),  # pay the bill or look it up
    ("تجديد رخصة سواقة", "MOI-GDT-DL-RENEW", 1),
    ("iqama renewal", "MOI-RP-RENEW", 1),
    ("police clearance", "MOI-CEID-GOOD-CONDUCT", 1),
    ("شهادة حسن سيرة", "MOI-CEID-GOOD-CONDUCT", 1),
    ("بلاغ هروب", "MOI-ABSCOND-REPORT", 1),
    ("تغيير الكفيل", "MOL-CHANGE-EMPLOYER", 1),
    ("نقل ملكية الموتر", "MOI-GDT-OWNERSHIP-TRANSFER", 1),
    ("qid renewal", "MOI-GDP-QID-CITIZEN", 1),
    ("ashghal road closures", "ASHGHAL-ROAD-CLOSURES", 1),
    # -- typos, both languages
    ("renw residnce", "MOI-RP-RENEW", 1),
    ("tourist vsia", "MOI-GDP-VISA-TOURIST", 1),
    ("equivalancy", "MOEHE-EQUIVALENCY", 1),
    ("pension calculater", "GRSIA-PENSION-CALC", 1),
    ("تجدبد الاقامة", "MOI-RP-RENEW", 1),
    ("تجدید الاقامه", "MOI-RP-RENEW", 1),
    ("القومسيوم الطبي", "MOPH-MED-COMMISSION", 1),
    # -- as-you-type prefix of the last word
    ("حجز اسم تج", "MOCI-TRADE-NAME", 1),
    ("palm imp", "MOECC-PALM-IMPORT", 1),
    # -- mixed-language queries
    ("renew الاقامة", "MOI-RP-RENEW", 1),
    ("pay فاتورة الكهرباء", "KAHRAMAA-BILL-PAY", 1),
    ("تجديد health card", "HMC-HC-RENEW", 1),
    # -- questions: stop words and colloquial verbs
    ("how do I renew my driving licence", "MOI-GDT-DL-RENEW", 1),
    ("كيف اجدد اقامتي", "MOI-RP-RENEW", 1),
    ("ابي اجدد الاستمارة", "MOI-GDT-ISTIMARA-RENEW", 1),
]


def test_catalogue_has_the_demo_services() -> None:
    codes = {s["code"] for s in SERVICES}
    assert len(SERVICES) >= 66
    assert {code for _q, code, _top in CASES} <= codes


@pytest.mark.parametrize("query, expected, top", CASES,
                         ids=[f"{i:02d}-{c[1]}" for i, c in enumerate(CASES)])
def test_query_finds_the_service(index: SearchIndex, query: str, expected: str,
                                 top: int) -> None:
    found = [key for key, _score in index.search(query, limit=top)]
    assert expected in found, f"{query!r}: {expected} not in the first {top}: {found}"


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_every_service_is_first_for_its_own_name(index: SearchIndex, lang: str) -> None:
    misses = []
    for svc in SERVICES:
        found = index.search(svc["name"][lang], limit=1)
        if not found or found[0][0] != svc["code"]:
            misses.append((svc["code"], svc["name"][lang], found))
    assert misses == []


# -- top(q, k) ranks exactly like scoring every match ---------------------------------------

_VARIANTS = [("للأفراد", "for individuals"), ("للشركات", "for companies"), ("عاجل", "urgent"),
             ("بدل فاقد", "replacement"), ("للمقيمين", "for residents"), ("تعديل", "amendment")]
_COMMON = ["وزارة", "ministry", "تجديد", "renew", "service", "خدمة", "qatar", "شهادة", "طلب"]
_BENCH = ["تجديد رخصة القيادة", "تجديد الاقامه", "شهادة حسن السيرة", "فاتورة الكهرباء",
          "مخالفات مرورية", "تسجيل عقد الايجار", "بطاقه صحيه", "شكوى عمالية"]


def _variant_docs(copies: int) -> list[SearchDoc]:
    """The catalogue plus near-duplicate services (a name variant each), as the load
    benchmark builds it: large coverage tiers of nearly equal scores, the hard case."""
    agencies = {a["code"]: a for a in CATALOGUE["agencies"]}
    categories = {c["code"]: c for c in CATALOGUE["categories"]}
    docs = []
    for n in range(copies):
        for i, svc in enumerate(SERVICES):
            doc = _doc(svc, agencies, categories)
            if n:
                ar, en = _VARIANTS[(n + i) % len(_VARIANTS)]
                number = n * 1000 + i
                doc = replace(doc, key=f"{doc.key}-V{n}",
                              name=(f"{doc.name[0]} {ar} ({number})",
                                    f"{doc.name[1]} {en} ({number})"))
            docs.append(doc)
    return docs


def _queries() -> list[str]:
    """What people type: the cases above, common words, and 1-3 words of service names,
    also cut short (as-you-type) or with a typo."""
    rng = random.Random(5)
    queries = [q for q, _code, _top in CASES] + _BENCH + _COMMON
    names = [svc["name"][lang] for svc in SERVICES for lang in ("ar", "en")]
    for name in rng.sample(names, 50):
        words = name.split()
        start = rng.randrange(len(words))
        part = words[start:start + rng.choice((1, 2, 3))]
        queries.append(" ".join(part))
        last = part[-1]
        if len(last) > 4:
            queries.append(" ".join([*part[:-1], last[:rng.randint(3, len(last) - 1)]]))
        if len(last) > 5:
            cut = rng.randrange(1, len(last) - 1)
            queries.append(" ".join([*part[:-1], last[:cut] + last[cut + 1:]]))
    return queries


QUERIES = _queries()


@pytest.fixture(scope="module")
def variants() -> SearchIndex:
    return SearchIndex.build(_variant_docs(12))


# Small thresholds push nearly every tier through the threshold algorithm and its
# variants (bonus documents met late, no holder lists, no sparse vectors).
@pytest.fixture(params=[{}, {"_SCORE_ALL": 8},
                        {"_SCORE_ALL": 8, "_BONUS_MEET_MAX": 0, "_HOLDERS_MAX": 0,
                         "_SPARSE_MIN": 1 << 30}],
                ids=["default", "threshold", "threshold-plain"])
def tuning(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in request.param.items():
        monkeypatch.setattr(core.search, name, value)
    yield


def _every_match_scored(index: SearchIndex, query: str) -> list[tuple[str, float]]:
    """The reference: every matching document scored and sorted, no tiers or shortcuts."""
    q = index._prepare(query)
    return [] if q is None else index._output(index._rank_docs(q, _bit_positions(q.union)))


@pytest.mark.usefixtures("tuning")
def test_top_ranks_exactly_like_scoring_every_match(variants: SearchIndex) -> None:
    for query in QUERIES:
        full = _every_match_scored(variants, query)
        assert variants.search(query) == full, query
        for k in (1, 20, 64):
            assert variants.top(query, k) == (len(full), full[:k]), (query, k)


def _agency_filter(agency_of: dict[str, str],
                   wanted: set[str]) -> tuple[Callable[[str], bool], list[str]]:
    """A filter on the agency code, and the keys it was asked about."""
    calls: list[str] = []

    def accept(key: str) -> bool:
        calls.append(key)
        return agency_of[key] in wanted

    return accept, calls


@pytest.mark.usefixtures("tuning")
def test_top_with_a_filter_ranks_like_filtering_search(variants: SearchIndex) -> None:
    agency_of = {doc.key: doc.extra[-1] for doc in _variant_docs(12)}
    agencies = sorted(set(agency_of.values()))
    rng = random.Random(9)
    for query in QUERIES[::2]:
        full = variants.search(query)
        wanted = set(rng.sample(agencies, 3))
        accept, calls = _agency_filter(agency_of, wanted)
        kept = [hit for hit in full if agency_of[hit[0]] in wanted]
        assert variants.top(query, 20, accept) == (len(kept), kept[:20]), query
        assert len(calls) == len(set(calls)) == len(full)  # once per matching document
