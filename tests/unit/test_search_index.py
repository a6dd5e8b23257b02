"""The in-memory search index (core.search). No database, Redis or Flask."""
from __future__ import annotations

import random

import pytest

from core.search import MAX_QUERY_LENGTH, SearchDoc, SearchIndex


def doc(key: str, ar: str, en: str, kw: tuple[str, ...] = (), desc: tuple[str, ...] = (),
        extra: tuple[str, ...] = ()) -> SearchDoc:
    return SearchDoc(key=key, name=(ar, en), keywords=kw, description=desc, extra=extra)


DOCS = [
    doc("RP-RENEW", "تجديد رخصة الإقامة", "Renew residence permit",
        kw=("إقامة", "residence"), desc=("تجديد الإقامة للمقيمين عبر تطبيق مطراش",),
        extra=("الإدارة العامة للجوازات", "General Directorate of Passports")),
    doc("RP-LOST", "بدل فاقد لبطاقة الإقامة", "Replace lost residence card",
        extra=("الإدارة العامة للجوازات",)),
    doc("DL-RENEW", "تجديد رخصة القيادة", "Renew driving licence",
        desc=("Renew your licence for five years",), extra=("الإدارة العامة للمرور",)),
    doc("VEH-RENEW", "تجديد استمارة المركبة", "Renew vehicle registration",
        extra=("الإدارة العامة للمرور",)),
    doc("FINES-PAY", "سداد المخالفات المرورية", "Pay traffic fines"),
    doc("BILL-PAY", "سداد فاتورة الكهرباء والماء", "Pay electricity and water bill",
        extra=("كهرماء", "Kahramaa")),
    doc("COMPLAINT", "شكوى حماية المستهلك", "Consumer protection complaint"),
    doc("HEALTH-CARD", "تجديد البطاقة الصحية", "Renew health card"),
    doc("HOSPITAL", "حجز موعد في مستشفى", "Hospital appointment booking"),
    doc("GOOD-CONDUCT", "شهادة حسن السيرة والسلوك", "Certificate of good conduct"),
    doc("DESC-ONLY", "خدمة عامة", "General service", desc=("تجديد",)),
    doc("KW-ONLY", "خدمة أخرى", "Other service", kw=("تجديد",)),
    doc("BUILDING", "رخصة بناء", "Building permit"),
    doc("ATTEST", "تصديق المستندات", "Attest documents"),
    doc("BIRTH", "الإبلاغ عن المواليد وإصدار شهادة الميلاد", "Birth notification and certificate"),
]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.build(DOCS)


def keys(index: SearchIndex, query: str, limit: int | None = None) -> list[str]:
    return [k for k, _ in index.search(query, limit)]


def first(index: SearchIndex, query: str) -> str | None:
    found = keys(index, query, 1)
    return found[0] if found else None


# -- basics -------------------------------------------------------------------------------

def test_build_and_len(index: SearchIndex) -> None:
    assert len(index) == len(DOCS)


def test_empty_index_finds_nothing() -> None:
    assert SearchIndex.build([]).search("تجديد") == []


def test_results_carry_scores_best_first(index: SearchIndex) -> None:
    results = index.search("تجديد")
    scores = [s for _, s in results]
    assert scores == sorted(scores, reverse=True)
    assert all(isinstance(k, str) and isinstance(s, float) for k, s in results)


def test_limit_cuts_the_same_ranking(index: SearchIndex) -> None:
    assert keys(index, "تجديد", 3) == keys(index, "تجديد")[:3]
    assert index.search("تجديد", 0) == []


def test_every_doc_matching_one_term_is_returned(index: SearchIndex) -> None:
    found = set(keys(index, "تجديد"))
    assert {"RP-RENEW", "DL-RENEW", "VEH-RENEW", "HEALTH-CARD", "DESC-ONLY", "KW-ONLY"} <= found
    assert "COMPLAINT" not in found


def test_duplicate_keys_keep_the_last_document() -> None:
    idx = SearchIndex.build([doc("A", "قديم", "old"), doc("A", "جديد", "new")])
    assert keys(idx, "new") == ["A"]
    assert keys(idx, "old") == []


def test_order_does_not_depend_on_input_order() -> None:
    shuffled = DOCS[:]
    random.Random(7).shuffle(shuffled)
    a, b = SearchIndex.build(DOCS), SearchIndex.build(shuffled)
    for query in ("تجديد", "renew", "رخصة", "سداد", "خدمة"):
        assert a.search(query) == b.search(query)


# -- normalisation reaches the index ------------------------------------------------------

@pytest.mark.parametrize("query", [
    "تجديد رخصة الاقامه", "تجديد رُخْصَة الإقامة", "تـجـديـد رخصة الإقامة", "تجدید رخصة الإقامة",
    "\u200fتجديد\u200f رخصة الإقامة", "RENEW Residence PERMIT",
])
def test_query_normalisation(index: SearchIndex, query: str) -> None:
    assert first(index, query) == "RP-RENEW"


def test_alef_maqsura_in_query(index: SearchIndex) -> None:
    assert first(index, "شكوي") == "COMPLAINT"
    assert first(index, "مستشفي") == "HOSPITAL"


# -- stemming and lemmas ------------------------------------------------------------------

def test_stemmed_query_matches(index: SearchIndex) -> None:
    assert first(index, "والمخالفات") == "FINES-PAY"
    assert "DL-RENEW" in keys(index, "والرخص", 3)


def test_broken_plural_lemma(index: SearchIndex) -> None:
    assert first(index, "فواتير") == "BILL-PAY"
    assert first(index, "شكاوى") == "COMPLAINT"
    assert first(index, "مستندات") == "ATTEST"
    assert "BIRTH" in keys(index, "مولود")


def test_english_stemming_in_queries(index: SearchIndex) -> None:
    assert first(index, "renewing licences") == "DL-RENEW"
    assert first(index, "fine") == "FINES-PAY"


# -- synonyms -----------------------------------------------------------------------------

def test_single_word_synonym(index: SearchIndex) -> None:
    assert first(index, "metrash") == "RP-RENEW"  # the description says مطراش
    assert first(index, "istimara") == "VEH-RENEW"


def test_multi_word_synonym(index: SearchIndex) -> None:
    assert first(index, "رخصة سواقة") == "DL-RENEW"
    assert first(index, "police clearance") == "GOOD-CONDUCT"


def test_single_word_to_multi_word_synonym(index: SearchIndex) -> None:
    # "iqama" is nowhere in the documents; its group holds "residence permit".
    assert first(index, "iqama") in {"RP-RENEW", "RP-LOST"}
    assert first(index, "renew iqama") == "RP-RENEW"


def test_synonym_scores_below_exact_word() -> None:
    idx = SearchIndex.build([doc("EXACT", "فاتورة", "x"), doc("SYN", "bill", "y")])
    results = dict(idx.search("فاتورة"))
    assert results["EXACT"] > results["SYN"] > 0


def test_transliterated_agency_name(index: SearchIndex) -> None:
    assert first(index, "kahramaa bill") == "BILL-PAY"
    assert first(index, "كهرما") == "BILL-PAY"


# -- typos --------------------------------------------------------------------------------

def test_english_typos(index: SearchIndex) -> None:
    assert first(index, "renw residnce") == "RP-RENEW"
    assert first(index, "complant") == "COMPLAINT"


def test_arabic_typos(index: SearchIndex) -> None:
    assert first(index, "تجدبد الاقامه") == "RP-RENEW"
    assert first(index, "المخالفاة المروريه") == "FINES-PAY"


def test_two_typos_in_a_long_word(index: SearchIndex) -> None:
    assert first(index, "cerrtificat") == "GOOD-CONDUCT"  # 11 letters, distance 2


def test_short_words_get_no_typo_tolerance(index: SearchIndex) -> None:
    assert keys(index, "bil") == [] or first(index, "bil") == "BILL-PAY"  # prefix only
    assert keys(index, "xyz") == []


def test_typo_of_a_synonym_term(index: SearchIndex) -> None:
    assert first(index, "metrsh") == "RP-RENEW"


def test_typo_scores_below_exact() -> None:
    idx = SearchIndex.build([doc("EXACT", "license", "x"), doc("NEAR", "licenxe", "y")])
    exact = dict(idx.search("license"))
    assert "NEAR" not in exact  # the query word exists, so no typo expansion
    typo = dict(idx.search("licenze"))
    assert set(typo) == {"EXACT", "NEAR"}
    assert typo["EXACT"] < exact["EXACT"]


# -- prefixes -----------------------------------------------------------------------------

def test_prefix_of_last_word(index: SearchIndex) -> None:
    assert first(index, "شهادة حسن الس") == "GOOD-CONDUCT"
    assert first(index, "hosp") == "HOSPITAL"
    assert "HOSPITAL" in keys(index, "مستشف")


def test_prefix_only_for_the_last_word(index: SearchIndex) -> None:
    assert "HOSPITAL" not in keys(index, "hosp booking") or first(index, "hosp booking")


def test_prefix_needs_three_characters(index: SearchIndex) -> None:
    assert keys(index, "ho") == []


# -- ranking ------------------------------------------------------------------------------

def test_name_beats_keywords_beats_description(index: SearchIndex) -> None:
    ranked = keys(index, "تجديد")
    assert ranked.index("HEALTH-CARD") < ranked.index("KW-ONLY") < ranked.index("DESC-ONLY")


def test_documents_matching_all_terms_come_first(index: SearchIndex) -> None:
    ranked = keys(index, "تجديد رخصة")
    assert set(ranked[:2]) == {"RP-RENEW", "DL-RENEW"}
    assert ranked.index("BUILDING") > 1


def test_adjacent_terms_in_name_win(index: SearchIndex) -> None:
    # both names hold both words; only DL-RENEW has them side by side and in order
    assert first(index, "رخصة القيادة") == "DL-RENEW"


def test_exact_full_name_first() -> None:
    idx = SearchIndex.build([
        doc("LONG", "تجديد البطاقة الصحية للمقيمين", "renew health card for residents",
            kw=("تجديد", "البطاقة", "الصحية")),
        doc("EXACT", "تجديد البطاقة الصحية", "renew health card"),
    ])
    assert first(idx, "تجديد البطاقة الصحية") == "EXACT"
    assert first(idx, "Renew Health Card") == "EXACT"


def test_ties_break_by_key() -> None:
    idx = SearchIndex.build([doc(k, "خدمة", "service") for k in ("C", "A", "B")])
    assert keys(idx, "خدمة") == ["A", "B", "C"]


def test_stop_words_are_ignored(index: SearchIndex) -> None:
    plain = keys(index, "renew residence permit")
    assert keys(index, "how do I renew my residence permit") == plain
    assert keys(index, "تجديد في الإقامة") == keys(index, "تجديد الإقامة")


def test_only_stop_words_still_search() -> None:
    idx = SearchIndex.build([doc("IN", "في", "in"), doc("OUT", "خارج", "out")])
    assert keys(idx, "في") == ["IN"]


# -- hostile input ------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "", " ", "\t\n", '"', "'", "*", "%", "%%", "_", "OR", "AND", "NOT", "-", "--", "\\", "\\\\",
    "(", ")", "()", ":", "+", "|", "~", "^", "[", "]", "{}", "a*", "*تجديد*", '"تجديد"',
    "renew OR 1=1; DROP TABLE services;--", "\x00", "\ufffd", "\ud800".encode(
        "utf-8", "surrogatepass").decode("utf-8", "replace"), "🙂" * 50, "👨‍👩‍👧",
    "\u200f\u200e\u202e", "ـــ", "ً", "٠٠٠", "x" * 10_000, "تجديد " * 3_000,
    "a b c d e f g h i j k l m n o p q r s t u v w x y z",
])
def test_hostile_input_never_raises(index: SearchIndex, query: str) -> None:
    results = index.search(query)
    assert isinstance(results, list)


def test_non_string_query_is_no_match(index: SearchIndex) -> None:
    assert index.search(None) == []  # type: ignore[arg-type]
    assert index.search(b"renew") == []  # type: ignore[arg-type]


def test_query_is_truncated_to_max_length(index: SearchIndex) -> None:
    padding = "x " * (MAX_QUERY_LENGTH // 2)
    assert keys(index, padding + "renew") == []
    assert first(index, "renew residence " + padding) == "RP-RENEW"


def test_documents_with_odd_text_build() -> None:
    idx = SearchIndex.build([
        SearchDoc(key="EMPTY", name=(), keywords=(), description=()),
        SearchDoc(key="PUNCT", name=("!!!", "؟؟"), keywords=("",), description=("🙂",)),
        SearchDoc(key="LONG", name=("word " * 1000,), keywords=(), description=()),
    ])
    assert keys(idx, "word") == ["LONG"]


# -- scale (functional only: timings are measured in benchmarks, not asserted) ------------

def _synthetic_docs(count: int) -> list[SearchDoc]:
    rng = random.Random(1)
    letters = "ابتجحدرزسشصطعفقكلمنهوي"
    vocab = ["".join(rng.choice(letters) for _ in range(rng.randint(3, 7))) for _ in range(4000)]
    english = ["".join(rng.choice("abcdefghilmnoprstuv") for _ in range(rng.randint(3, 9)))
               for _ in range(4000)]

    def words(pool: list[str], n: int) -> str:
        return " ".join(rng.choice(pool) for _ in range(n))

    return [SearchDoc(key=f"S{i:05d}", name=(words(vocab, 4), words(english, 4)),
                      keywords=(words(vocab, 3), words(english, 3)),
                      description=(words(vocab, 8), words(english, 8)),
                      extra=("وزارة الداخلية", "Ministry of Interior"))
            for i in range(count)]


def test_ten_thousand_documents_build_and_search() -> None:
    docs = _synthetic_docs(10_000)
    idx = SearchIndex.build(docs)
    assert len(idx) == 10_000
    name_words = docs[1234].name[0].split()
    results = idx.search(" ".join(name_words[:3]))
    assert results and "S01234" in [k for k, _ in results[:20]]
    assert len(idx.search("وزارة")) == 10_000
    assert idx.search("تجد" + name_words[0][:2]) is not None


# -- top(): count and best k, with an optional filter -------------------------------------

def test_top_is_the_count_and_the_head_of_search(index: SearchIndex) -> None:
    for query in ("تجديد", "renew", "رخصة", "تجديد رخصة", "hosp", "renw residnce", "iqama"):
        full = index.search(query)
        for k in (1, 3, 50):
            assert index.top(query, k) == (len(full), full[:k])


def test_top_filter_counts_and_ranks_only_accepted_keys(index: SearchIndex) -> None:
    calls: list[str] = []

    def accept(key: str) -> bool:
        calls.append(key)
        return key.endswith("-RENEW")

    count, best = index.top("تجديد", 2, accept)
    wanted = [hit for hit in index.search("تجديد") if hit[0].endswith("-RENEW")]
    assert (count, best) == (len(wanted), wanted[:2])
    assert len(calls) == len(set(calls)) == len(index.search("تجديد"))  # once per match


def test_top_edge_cases(index: SearchIndex) -> None:
    assert index.top("تجديد", 0) == (len(index.search("تجديد")), [])
    assert index.top("xyz", 5) == (0, [])
    assert index.top("تجديد", 5, lambda key: False) == (0, [])
    assert index.top(None, 5) == (0, [])  # type: ignore[arg-type]
    assert SearchIndex.build([]).top("تجديد", 5) == (0, [])


@pytest.mark.parametrize("query", ["", "*", "تجديد " * 3_000, "x" * 10_000, "🙂" * 50])
def test_top_hostile_input_never_raises(index: SearchIndex, query: str) -> None:
    count, best = index.top(query, 20)
    assert isinstance(count, int) and isinstance(best, list)


def test_top_on_ten_thousand_documents() -> None:
    idx = SearchIndex.build(_synthetic_docs(10_000))
    full = idx.search("وزارة")
    assert idx.top("وزارة", 20) == (10_000, full[:20])
    assert idx.top("وزارة", 20, lambda key: key.endswith("7")) == (
        1_000, [hit for hit in full if hit[0].endswith("7")][:20])
