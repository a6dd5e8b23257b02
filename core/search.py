"""In-memory, Arabic-first service search (pure Python: identical on SQLite and PostgreSQL).

Analysis: i18n.arabic.normalize (letter folds, digits, marks, case) -> tokens -> lemma table
(broken plurals) -> light stem; one path for documents and queries; stop words are dropped.
Index: BM25F over name > keywords > extra (agency, category) > description, impacts computed
at build time. Flat arrays (2-byte doc ids in key order) hold each list twice: by document
(random access by bisection) and by decreasing impact (sorted access). Synonym phrases and
groups get precomputed lists too (a phrase's documents with its impacts summed; a group's
best member per document); big lists keep a bit mask (a Python int) of their documents.
Query: a word matches itself; its synonyms (weight 0.85); if unknown, words within 1-2 typos
(SymSpell deletion index of 40-bit hashes; 0.7/0.5); the last word also as a prefix (0.6).
Ranking: exact full name, then how many query words a document matches, then the BM25F sum
(each word scores its best alternative) with a bonus for consecutive query words adjacent in
a name; ties by key. top(query, k, filter) counts matches and splits them into these tiers
with C-level set algebra on the masks, then scores only the tiers it needs: small ones
outright (vectorised), one-list ones straight off the impact order, large ones with a
threshold algorithm (bounds from sorted reads; random access only for the last contenders).
Scores are bit-identical to scoring every match; search() is top() over all matches.
"""
from __future__ import annotations

import heapq
import math
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress, islice, pairwise, repeat
from operator import add, and_, eq, mul, neg

from i18n.arabic import tokenize
from i18n.lexicon import LEMMAS, STOP_WORDS_AR, STOP_WORDS_EN, SYNONYM_GROUPS
from i18n.stemming import stem

MAX_QUERY_LENGTH = 200
_MAX_QUERY_TOKENS = 12

# Field order everywhere: name, keywords, extra, description.
_FIELD_WEIGHTS = (5.0, 3.0, 1.5, 1.0)
_FIELD_B = (0.3, 0.3, 0.3, 0.75)  # short fields barely need length normalisation
_K1 = 1.2
_MAX_TF = 255  # term frequencies are packed in 8 bits per field

_W_SYNONYM = 0.85
_W_FUZZY = (1.0, 0.7, 0.5)  # by edit distance
_W_PREFIX = 0.6
_PHRASE_BONUS = 0.3
_PREFIX_SCAN = 400  # vocabulary entries looked at per prefix
_PREFIX_MAX_TERMS = 12
_FUZZY_MAX_TERMS = 4
_EXPANSION_POSTINGS_CAP = 40_000  # postings read for prefix/typo expansions of one term

# Sort key = tier offsets + score; the score is clamped below the smallest offset.
_EXACT_TIER = 1_000_000.0
_COVER_TIER = 1_000.0
_MAX_SCORE = 999.999

_HASH_BITS = 40
_ID_BITS = 24
_ID_MASK = (1 << _ID_BITS) - 1

# Name-adjacency index: (term id << _TID_BITS | next term id) << _DOC_BITS | doc id.
_TID_BITS = 20
_DOC_BITS = 24
_PAIR_LIMIT = 1 << (2 * _TID_BITS)

_NEG_INF = float("-inf")
_SCORE_ALL = 512  # a coverage tier this small is scored outright
_BONUS_MEET_MAX = 256  # phrase-bonus candidates met up front (threshold ranking)
_HOLDERS_MAX = 128  # a source's holders (or not) in a tier listed to tighten bounds
_SPARSE_MIN = 64  # batches this large read the sources held by few of them sparsely
_THRESHOLD_DEPTH = 16  # postings read per term in the first threshold round
_DICT_LOOKUP_RATIO = 8  # postings <= ratio x documents to score: read them all
_MASK_MIN_DF = 64  # terms in max(this, 1/64 of the documents) keep a ready bit mask


@dataclass(frozen=True)
class SearchDoc:
    key: str  # service code
    name: tuple[str, ...]  # names in all languages (highest weight)
    keywords: tuple[str, ...]  # keywords in all languages
    description: tuple[str, ...]  # descriptions (lowest weight)
    extra: tuple[str, ...] = ()  # agency and category names (low weight)

    def fields(self) -> tuple[tuple[str, ...], ...]:
        return (self.name, self.keywords, self.extra, self.description)


# ---------------------------------------------------------------------------------------
# Analysis: surface token -> index term
# ---------------------------------------------------------------------------------------

def _normal_words(words: Iterable[str]) -> Iterator[str]:
    for word in words:
        yield from tokenize(word)


_STOP = frozenset(_normal_words(STOP_WORDS_AR | STOP_WORDS_EN))
_LEMMAS = {"".join(tokenize(k)): "".join(tokenize(v)) for k, v in LEMMAS.items()}
_LEMMA_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال", "و", "ب", "ل")


def _lemma(token: str) -> str:
    found = _LEMMAS.get(token)
    if found is not None:
        return found
    for prefix in _LEMMA_PREFIXES:
        if token.startswith(prefix):
            found = _LEMMAS.get(token[len(prefix):])
            if found is not None:
                return found
    return token


def _index_term(token: str) -> str:
    """Index term of one normalised token: lemma table, then light stem."""
    return _stem_uncached(_lemma(token))


# Building analyses each distinct surface once (the builder remembers it): going around the
# caches keeps the index's vocabulary out of them.
_stem_uncached = getattr(stem, "__wrapped__", stem)
analyze = lru_cache(maxsize=131072)(_index_term)


def _phrase_terms(text: str) -> tuple[str, ...]:
    tokens = tokenize(text)
    content = [t for t in tokens if t not in _STOP] or tokens
    return tuple(dict.fromkeys(analyze(t) for t in content))


# ---------------------------------------------------------------------------------------
# Edit distance and deletion neighbourhoods (SymSpell)
# ---------------------------------------------------------------------------------------

def _deletes(word: str, depth: int) -> set[str]:
    """Strings reachable from `word` by deleting 1..depth characters (at least 2 left)."""
    found: set[str] = set()
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier if len(w) > 2 for i in range(len(w))}
        found |= frontier
    return found


def _osa_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment (Damerau) distance, or limit + 1 once it exceeds limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)


def _max_typos(surface: str) -> int:
    if len(surface) < 4 or surface.isdigit():
        return 0
    return 1 if len(surface) <= 7 else 2


def _hash40(text: str) -> int:
    return hash(text) & ((1 << _HASH_BITS) - 1)


# ---------------------------------------------------------------------------------------
# Synonyms
# ---------------------------------------------------------------------------------------

class _Synonyms:
    """Synonym groups as analysed term tuples, found in a query by their first term."""

    def __init__(self, groups: Sequence[Sequence[str]]) -> None:
        self.groups: list[tuple[tuple[str, ...], ...]] = []
        self.by_first: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        for group in groups:
            phrases = tuple(dict.fromkeys(p for p in map(_phrase_terms, group) if p))
            gid = len(self.groups)
            self.groups.append(phrases)
            for phrase in phrases:
                self.by_first.setdefault(phrase[0], []).append((phrase, gid))
        self.terms = frozenset(t for g in self.groups for p in g for t in p)
        self._deletes: dict[str, set[str]] = {}
        for term in self.terms:
            for variant in _deletes(term, 2 if len(term) >= 6 else 1) | {term}:
                self._deletes.setdefault(variant, set()).add(term)

    def correct(self, term: str, max_d: int) -> tuple[str, int] | None:
        """The closest synonym term within max_d edits (ties: alphabetical)."""
        candidates: set[str] = set()
        for variant in _deletes(term, max_d) | {term}:
            candidates |= self._deletes.get(variant, set())
        scored = sorted((_osa_distance(term, c, max_d), c) for c in candidates)
        if scored and scored[0][0] <= max_d:
            return scored[0][1], scored[0][0]
        return None

    def matches(self, terms: Sequence[str]) -> Iterator[tuple[int, int, int]]:
        """(start, end exclusive, group id) of every member phrase found in `terms`."""
        for start, term in enumerate(terms):
            for phrase, gid in self.by_first.get(term, ()):
                end = start + len(phrase)
                if tuple(terms[start:end]) == phrase:
                    yield start, end, gid


_SYNONYMS = _Synonyms(SYNONYM_GROUPS)


# ---------------------------------------------------------------------------------------
# Query plan
# ---------------------------------------------------------------------------------------

@dataclass
class _QueryToken:
    surface: str  # normalised, as typed
    typed_term: str  # analysed
    term: str = ""  # typed_term, or the synonym-table term it was corrected to
    weight: float = 1.0  # < 1 when the term was corrected
    alts: dict[int, float] = field(default_factory=dict)  # term id -> weight
    groups: dict[int, float] = field(default_factory=dict)  # synonym group id -> weight

    def __post_init__(self) -> None:
        self.term = self.term or self.typed_term


@dataclass(frozen=True)
class _Span:
    source: int  # a synonym phrase (or a single term) standing for query tokens start..end-1
    weight: float
    start: int
    end: int  # exclusive


@dataclass
class _Plan:
    tokens: list[_QueryToken]
    spans: list[_Span]
    exact_key: str | None


def _query_tokens(query: str) -> list[_QueryToken]:
    surfaces = tokenize(query[:MAX_QUERY_LENGTH])
    content = [s for s in surfaces if s not in _STOP] or surfaces
    seen: dict[str, _QueryToken] = {}
    for surface in content:
        term = analyze(surface)
        if term not in seen:
            seen[term] = _QueryToken(surface, term)
    return list(seen.values())[:_MAX_QUERY_TOKENS]


# ---------------------------------------------------------------------------------------
# Bit masks (a Python int with bit d set for document d): set algebra at C speed
# ---------------------------------------------------------------------------------------

_ZERO_ONE = bytes.maketrans(b"01", b"\x00\x01")


def _mask_of(docs: Iterable[int], n_bytes: int) -> int:
    buf = bytearray(n_bytes)
    for d in docs:
        buf[d >> 3] |= 1 << (d & 7)
    return int.from_bytes(buf, "little")


def _bit_positions(mask: int) -> list[int]:
    """The set bits of `mask` (document ids), ascending."""
    bits = bin(mask)[:1:-1]  # lowest bit first, "0b" dropped
    if mask.bit_count() * 16 > len(bits):  # dense: one C-level pass over every bit
        return list(compress(range(len(bits)), bits.encode().translate(_ZERO_ONE)))
    found, find = [], bits.find
    i = find("1")
    while i >= 0:
        found.append(i)
        i = find("1", i + 1)
    return found


# ---------------------------------------------------------------------------------------
# Posting lists
# ---------------------------------------------------------------------------------------

class _Postings:
    """Posting lists in flat arrays: per list, ascending document ids with their impacts
    (random access by bisection) and the same postings by decreasing impact, ties by id
    (sorted access for threshold ranking)."""

    def __init__(self, doc_type: str, impact_type: str, n_docs: int,
                 mask_min_df: int = 0) -> None:
        self.off = array("q", [0])
        self.docs, self.imps = array(doc_type), array(impact_type)
        self.ranked_docs, self.ranked_imps = array(doc_type), array(impact_type)
        self.masks: dict[int, int] = {}  # ready bit masks of the lists with many documents
        self.mask_bytes = max(1, (n_docs + 7) // 8)
        self.mask_min_df = mask_min_df or max(_MASK_MIN_DF, n_docs // 64)

    def __len__(self) -> int:
        return len(self.off) - 1

    def append(self, docs: array, imps: array) -> None:
        """Add one list: ascending ids and impacts already in the stored number type."""
        self.docs.extend(docs)
        self.imps.extend(imps)
        ranks = sorted(range(len(docs)), key=imps.__getitem__, reverse=True)  # stable
        self.ranked_docs.extend(docs[j] for j in ranks)
        self.ranked_imps.extend(imps[j] for j in ranks)
        self.off.append(len(self.docs))
        if len(docs) >= self.mask_min_df:
            self.masks[len(self) - 1] = _mask_of(docs, self.mask_bytes)

    def df(self, i: int) -> int:
        return self.off[i + 1] - self.off[i]

    def mask(self, i: int) -> int:
        mask = self.masks.get(i)
        if mask is None:
            mask = _mask_of(self.docs[self.off[i]:self.off[i + 1]], self.mask_bytes)
        return mask

    def impacts(self, i: int, docs: list[int]) -> list[float]:
        """Impact in each of `docs` (ascending), -inf where absent."""
        start, end = self.off[i], self.off[i + 1]
        if end - start <= _DICT_LOOKUP_RATIO * len(docs):
            table = dict(zip(self.docs[start:end], self.imps[start:end], strict=True))
            return list(map(table.get, docs, repeat(_NEG_INF)))
        post_docs, post_imps = self.docs, self.imps
        out = []
        for d in docs:  # ascending, so each search starts where the last one ended
            start = bisect_left(post_docs, d, start, end)
            out.append(post_imps[start] if start < end and post_docs[start] == d else _NEG_INF)
        return out

    def impacts_of_members(self, i: int, members: set[int]) -> list[float]:
        """Impacts of list i's documents in `members` (which it must all hold), by id."""
        start, end = self.off[i], self.off[i + 1]
        return list(compress(self.imps[start:end],
                             map(members.__contains__, self.docs[start:end])))

    def by_position(self, i: int, index: dict[int, int]) -> dict[int, float]:
        """{index[doc]: impact} for the documents of list i that `index` holds."""
        start, end = self.off[i], self.off[i + 1]
        table = dict(zip(map(index.get, self.docs[start:end]), self.imps[start:end],
                         strict=True))
        table.pop(None, None)  # type: ignore[call-overload]
        return table  # type: ignore[return-value]

    def ranked(self, i: int, start: int, stop: int) -> tuple[array, array]:
        """Postings of ranks start..stop-1 by decreasing impact."""
        lo = self.off[i]
        stop = min(lo + stop, self.off[i + 1])
        return self.ranked_docs[lo + start:stop], self.ranked_imps[lo + start:stop]


# ---------------------------------------------------------------------------------------
# One query, ready to score
# ---------------------------------------------------------------------------------------

# What may match a query token: source (a term, or a synonym phrase) id -> weight.
Sources = dict[int, float]


@dataclass
class _Query:
    sources: list[Sources]  # per query token
    masks: list[int]  # per query token: the documents it matches
    union: int = 0
    pair_sets: list[set[int]] = field(default_factory=list)  # per consecutive token pair:
    # the documents where it is adjacent in a name
    factors: list[float] = field(default_factory=list)  # phrase bonus by pairs found
    exact: frozenset[int] = frozenset()  # documents whose whole name is the query
    ids: list[int] = field(default_factory=list)  # every source id
    id_masks: dict[int, int] = field(default_factory=dict)


# An entry of a ranking: (-tier offset, -score, doc id); ascending order is best first.
Ranked = tuple[float, float, int]


# A source's impacts in a batch of documents: a list (one per document, -inf where absent),
# or for a source held by few of them a dict {position in the batch: impact}.
Vector = list[float] | dict[int, float]


def _token_scores(sources: list[Sources], vecs: Mapping[int, Vector],
                  size: int) -> list[list[float]]:
    """Per query token, its best weighted source in each of `size` documents (0.0: none).

    A token's listed sources of one weight are maxed before the multiplication, which gives
    the same floats (rounding is monotone), and shared with other tokens (phrases span
    several). Scores are bit-identical however documents are batched, and every step is
    monotone: per-source upper bounds instead of impacts give upper bounds (threshold
    ranking).
    """
    parts: dict[tuple[float, tuple[int, ...]], list[float]] = {}
    scores = []
    for token_sources in sources:
        by_weight: dict[float, list[int]] = {}
        for s, weight in token_sources.items():
            by_weight.setdefault(weight, []).append(s)
        dense: list[list[float]] = []
        sparse: list[tuple[float, Vector]] = []
        for weight, sids in by_weight.items():
            lists = [v for s in sids if isinstance(v := vecs[s], list)]
            sparse.extend((weight, vecs[s]) for s in sids if not isinstance(vecs[s], list))
            if lists:
                key = (weight, tuple(sids))
                if key not in parts:
                    raw = lists[0] if len(lists) == 1 else list(map(max, *lists))
                    parts[key] = raw if weight == 1.0 else list(map(weight.__mul__, raw))
                dense.append(parts[key])
        best = list(map(max, repeat(0.0, size), *dense)) if dense else [0.0] * size
        for weight, table in sparse:  # a few documents each: update them in place
            for j, value in table.items():  # type: ignore[union-attr]
                value *= weight
                if value > best[j]:
                    best[j] = value
        scores.append(best)
    return scores


def _sum_totals(scores: list[list[float]], size: int) -> list[float]:
    """BM25F totals, summed in token order."""
    totals: list[float] = [0.0] * size
    for best in scores:
        totals = list(map(add, totals, best))
    return totals


def _count_matched(scores: list[list[float]], size: int) -> list[int]:
    """How many query tokens each document matches (a positive token score)."""
    covers: list[int] = [0] * size
    for best in scores:
        covers = list(map(add, covers, map(bool, best)))
    return covers


# ---------------------------------------------------------------------------------------
# The index
# ---------------------------------------------------------------------------------------

class SearchIndex:
    """Immutable after build; safe to share between threads."""

    def __init__(self) -> None:
        self._keys: list[str] = []
        self._terms: list[str] = []  # sorted: a term id is its position
        self._words = _Postings("H", "f", 0)  # term postings; impacts in float32
        # Synonym-lexicon phrases of several terms as pseudo-terms (source id = number of
        # terms + position): their impact is the conjunction's sum, kept in double.
        self._phrases = _Postings("H", "d", 0)
        # Per synonym group, per member phrase: its source id, -1 when no document has it.
        self._group_sources: list[tuple[int, ...]] = []
        # Per synonym group: a source with each document's best impact of any member (-1:
        # none), and the member terms it stands for.
        self._group_best: list[int] = []
        self._group_terms: list[frozenset[int]] = []
        # (group, member of several words): the best impact of any other member, for a query
        # phrase that is that member (all the others then stand for it at one weight).
        self._others_best: dict[tuple[int, int], int] = {}
        self._pair_keys = array("Q")  # sorted (term << _TID_BITS | next term) in names
        self._pair_off = array("q", [0])
        self._pair_docs = array("H")
        self._exact_hash = array("q")  # sorted hash of each name's term sequence
        self._exact_docs = array("H")
        self._surfaces: list[str] = []
        self._surface_tids = array("i")
        self._deletes = array("Q")

    @classmethod
    def build(cls, docs: Iterable[SearchDoc]) -> SearchIndex:
        """Index `docs` (streamed: none is kept); a repeated key keeps its last document."""
        builder = _Builder()
        for doc in docs:
            builder.add(doc)
        return builder.finish(cls())

    def __len__(self) -> int:
        return len(self._keys)

    # -- public ---------------------------------------------------------------------------

    def search(self, query: str, limit: int | None = None) -> list[tuple[str, float]]:
        """All matching keys (or the best `limit`), best first, with scores."""
        if limit is not None and limit <= 0:
            return []
        q = self._prepare(query)
        if q is None:
            return []
        count = q.union.bit_count()
        return self._output(self._best(q, q.union, count if limit is None else limit))

    def top(self, query: str, k: int,
            accept: Callable[[str], bool] | None = None) -> tuple[int, list[tuple[str, float]]]:
        """(How many documents match and are accepted, the best k of those).

        Same order and scores as search(); `accept(key)` (a filter) is called once per
        matching document.
        """
        q = self._prepare(query)
        if q is None:
            return 0, []
        allowed = q.union if accept is None else self._accepted(q.union, accept)
        count = allowed.bit_count()
        if k <= 0 or not count:
            return count, []
        return count, self._output(self._best(q, allowed, k))

    # -- sources ----------------------------------------------------------------------------

    def _lists(self, sid: int) -> tuple[_Postings, int]:
        n_terms = len(self._terms)
        return (self._words, sid) if sid < n_terms else (self._phrases, sid - n_terms)

    def _df(self, sid: int) -> int:
        postings, i = self._lists(sid)
        return postings.df(i)

    def _source_mask(self, sid: int, q: _Query) -> int:
        mask = q.id_masks.get(sid)
        if mask is None:
            postings, i = self._lists(sid)
            mask = q.id_masks[sid] = postings.mask(i)
        return mask

    def _impacts(self, sid: int, docs: list[int]) -> list[float]:
        postings, i = self._lists(sid)
        return postings.impacts(i, docs)

    # -- query preparation ----------------------------------------------------------------

    def _prepare(self, query: str) -> _Query | None:
        if not isinstance(query, str) or not self._keys:
            return None
        tokens = _query_tokens(query)
        if not tokens:
            return None
        plan = self._plan(tokens)
        q = _Query([], [])
        for i in range(len(tokens)):
            sources = self._sources(plan, i)
            mask = 0
            for sid in sources:
                mask |= self._source_mask(sid, q)
            q.sources.append(sources)
            q.masks.append(mask)
            q.union |= mask
        q.ids = sorted(q.id_masks)
        pairs = len(tokens) - 1
        q.pair_sets = [self._adjacent(a.alts, b.alts) for a, b in pairwise(tokens)]
        q.factors = [1.0] + [1.0 + _PHRASE_BONUS * f / pairs for f in range(1, pairs + 1)]
        if plan.exact_key:
            q.exact = frozenset(self._exact_matches(plan.exact_key))
        return q

    def _sources(self, plan: _Plan, index: int) -> Sources:
        """What may match query token `index`, with weights."""
        sources: Sources = {}
        token = plan.tokens[index]
        covered: dict[int, float] = {}  # term -> weight of a group list covering it
        for gid, weight in token.groups.items():
            if self._group_best[gid] >= 0:
                _add_alt(sources, self._group_best[gid], weight)
                for tid in self._group_terms[gid]:
                    _add_alt(covered, tid, weight)
        for tid, weight in token.alts.items():
            if weight > covered.get(tid, 0.0):  # else the group list scores it as well
                _add_alt(sources, tid, weight)
        for span in plan.spans:
            if span.start <= index < span.end:
                # A phrase covering n query words earns each of them 1/n of its score.
                _add_alt(sources, span.source, span.weight / (span.end - span.start))
        return sources

    def _adjacent(self, left: Iterable[int], right: Iterable[int]) -> set[int]:
        """Documents with some alternative of one token right before one of the next."""
        found: set[int] = set()
        keys, n_keys = self._pair_keys, len(self._pair_keys)
        right = list(right)
        for a in left:
            for b in right:
                key = a << _TID_BITS | b
                i = bisect_left(keys, key)
                if i < n_keys and keys[i] == key:
                    found.update(self._pair_docs[self._pair_off[i]:self._pair_off[i + 1]])
        return found

    def _exact_matches(self, key: str) -> array:
        digest = hash(key)
        start = bisect_left(self._exact_hash, digest)
        end = bisect_left(self._exact_hash, digest + 1, start)
        return self._exact_docs[start:end]

    def _accepted(self, union: int, accept: Callable[[str], bool]) -> int:
        keys = self._keys
        docs = _bit_positions(union)
        return _mask_of(compress(docs, map(accept, map(keys.__getitem__, docs))),
                        self._words.mask_bytes)

    # -- ranking --------------------------------------------------------------------------

    def _best(self, q: _Query, allowed: int, k: int) -> list[Ranked]:
        """The best k allowed documents: exact names, then coverage tiers from the top,
        scoring only as many tiers (and, in a large tier, as few documents) as needed."""
        exact_docs = sorted(d for d in q.exact if allowed >> d & 1)  # a few at most
        exact = _mask_of(exact_docs, self._words.mask_bytes) if exact_docs else 0
        ranked = self._rank_docs(q, exact_docs)[:k]
        for cover, tier in _coverage_tiers(q.masks, allowed & ~exact):
            if len(ranked) >= k:
                break
            ranked += self._tier_best(q, tier, cover, k - len(ranked))
        return ranked

    def _tier_best(self, q: _Query, tier: int, cover: int, need: int) -> list[Ranked]:
        if len(q.sources) == 1 and len(q.ids) == 1:
            found = self._single_source_best(q, tier, need)
            if found is not None:
                return found
        if tier.bit_count() <= max(_SCORE_ALL, 2 * need):
            return self._score_tier(q, tier, cover, need)
        return self._threshold_best(q, tier, need)

    def _single_source_best(self, q: _Query, tier: int, need: int) -> list[Ranked] | None:
        """One query word with one source: its impact order (ties by id) is the ranking,
        read straight off (None in the never-seen case of a score clamped at the cap)."""
        sid = q.ids[0]
        weight = q.sources[0][sid]
        postings, i = self._lists(sid)
        docs, imps = postings.ranked(i, 0, postings.df(i))
        if tier != q.id_masks[sid]:  # a filter or an exact name left some out
            in_tier = tier.to_bytes(self._words.mask_bytes, "little")
            kept = list(islice((j for j, d in enumerate(docs)
                                if in_tier[d >> 3] >> (d & 7) & 1), need))
            docs = array(docs.typecode, map(docs.__getitem__, kept))
            imps = array(imps.typecode, map(imps.__getitem__, kept))
        else:
            docs, imps = docs[:need], imps[:need]
        scores = list(imps) if weight == 1.0 else list(map(weight.__mul__, imps))
        if scores and scores[0] > _MAX_SCORE:
            return None
        offset = -(0.0 + 1 * _COVER_TIER)  # one word: cover 1
        return list(zip(repeat(offset), map(neg, scores), docs))

    def _threshold_best(self, q: _Query, tier: int, need: int) -> list[Ranked]:
        """Threshold ranking over impact-ordered postings (Fagin's TA/NRA).

        Read every source's postings best first, a prefix at a time; a met document's
        impacts are then known or at most the next unread one, which bounds its score from
        below and above. Drop the met documents that cannot reach the need-th best lower
        bound, and stop reading once no unmet document can either (its bound: the next
        unread impacts, with the phrase bonus if an unmet document may earn it). Only then
        are the few contenders left unsettled scored by random access.
        """
        in_tier = tier.to_bytes(self._words.mask_bytes, "little")
        sids = [s for s in q.ids if q.id_masks[s] & tier]
        known: dict[int, dict[int, float]] = {s: {} for s in sids}
        # The documents that can earn the phrase bonus are known: when they are few, meet
        # them first so that the bound for the others needs no bonus.
        bonus_docs = {d for d in set().union(*q.pair_sets) if in_tier[d >> 3] >> (d & 7) & 1}
        met = set(bonus_docs) if len(bonus_docs) <= _BONUS_MEET_MAX else set()
        holders = {s: _holders(q.id_masks[s] & tier, tier) for s in sids}
        cursors = dict.fromkeys(sids, 0)
        pending: list[int] = []
        batch = max(need, _THRESHOLD_DEPTH)
        while True:
            bounds = {}
            for s in sids:
                postings, i = self._lists(s)
                cursors[s], bounds[s] = _read_tier(postings, i, cursors[s], batch, in_tier,
                                                   known[s])
                met.update(known[s])
            pending = sorted(met.union(pending))
            low, high, settled = self._bound_docs(q, pending, known, bounds, holders)
            pending, low, settled, kth = _contenders(pending, low, high, settled, need)
            exhausted = all(b == _NEG_INF for b in bounds.values())
            bonus = q.factors[-1] if bonus_docs - met else 1.0
            if exhausted or (kth is not None and -kth[1] > self._score_bound(q, bounds, bonus)):
                return self._resolve(q, pending, low, settled, known, need)
            batch *= 2

    def _bound_docs(self, q: _Query, docs: list[int], known: dict[int, dict[int, float]],
                    bounds: dict[int, float], holders: dict[int, _Holders]
                    ) -> tuple[list[Ranked], list[Ranked], list[bool]]:
        """Lower and upper ranking entries of `docs` (one tier) from the impacts read so far
        (unread: -inf, or at most bounds[source] if the document holds the source); settled:
        both agree on every token."""
        size = len(docs)
        absent = [_NEG_INF] * size
        low_vecs, high_vecs = {}, {}
        for s in q.ids:
            if s not in known:
                low_vecs[s] = high_vecs[s] = absent
                continue
            get = known[s].get
            low_vecs[s] = list(map(get, docs, repeat(_NEG_INF)))
            high_vecs[s] = list(map(get, docs, _unread_bounds(holders[s], docs, bounds[s])))
        low = _token_scores(q.sources, low_vecs, size)
        high = _token_scores(q.sources, high_vecs, size)
        settled = [True] * size
        for lo, hi in zip(low, high, strict=True):
            settled = list(map(and_, settled, map(eq, lo, hi)))
        return self._entries(q, docs, low), self._entries(q, docs, high), settled

    def _resolve(self, q: _Query, docs: list[int], low: list[Ranked], settled: list[bool],
                 known: dict[int, dict[int, float]], need: int) -> list[Ranked]:
        """The best `need` of the contenders: settled ones are scored already."""
        ranked = list(compress(low, settled))
        open_docs = [d for d, done in zip(docs, settled, strict=True) if not done]
        return sorted(ranked + self._rank_docs(q, open_docs, known))[:need]

    def _score_bound(self, q: _Query, bounds: dict[int, float], factor: float) -> float:
        vecs = {s: [bounds.get(s, _NEG_INF)] for s in q.ids}
        total = _sum_totals(_token_scores(q.sources, vecs, 1), 1)[0]
        return min(total * factor, _MAX_SCORE)

    def _rank_docs(self, q: _Query, docs: list[int],
                   known: dict[int, dict[int, float]] | None = None) -> list[Ranked]:
        """Score `docs` (ascending ids; any tiers) and sort them best first."""
        if not docs:
            return []
        present = _mask_of(docs, self._words.mask_bytes) if len(docs) > 1 else 1 << docs[0]
        vecs = self._vectors(q, docs, present, known)
        return sorted(self._entries(q, docs, _token_scores(q.sources, vecs, len(docs))))

    def _score_tier(self, q: _Query, tier: int, cover: int, need: int) -> list[Ranked]:
        """Score every document of a coverage tier (one offset); the best `need`."""
        docs = _bit_positions(tier)
        scores = _token_scores(q.sources, self._vectors(q, docs, tier), len(docs))
        finals = self._finish(q, docs, _sum_totals(scores, len(docs)))
        if need * 4 < len(finals):  # select on plain floats first
            kth = heapq.nlargest(need, finals)[-1]
            keep = list(map(kth.__le__, finals))
            finals, docs = list(compress(finals, keep)), list(compress(docs, keep))
        # Sorting positions by a float key is fast; reverse=True keeps equal scores in
        # ascending id order (stable), the tie-break.
        order = sorted(range(len(finals)), key=finals.__getitem__, reverse=True)[:need]
        offset = -(0.0 + cover * _COVER_TIER)
        return list(zip(repeat(offset), map(neg, map(finals.__getitem__, order)),
                        map(docs.__getitem__, order)))

    def _vectors(self, q: _Query, docs: list[int], present: int,
                 known: dict[int, dict[int, float]] | None = None) -> dict[int, Vector]:
        """Per source, its impacts in `docs` (ascending); `present` is a superset of `docs`
        as a mask, `known` impacts already read."""
        vecs: dict[int, Vector] = {}
        index: dict[int, int] | None = None
        members: set[int] | None = None
        for s in q.ids:
            postings, i = self._lists(s)
            held = q.id_masks[s] & present
            if not held:
                vecs[s] = {}
            elif known and s in known:
                vecs[s] = self._impacts_known(s, docs, known[s])
            elif held == present and postings.df(i) <= _DICT_LOOKUP_RATIO * len(docs):
                # Every document holds the source: its postings, filtered, line up.
                members = set(docs) if members is None else members
                vecs[s] = postings.impacts_of_members(i, members)
            elif postings.df(i) * 2 < len(docs) and len(docs) >= _SPARSE_MIN:
                if index is None:
                    index = dict(zip(docs, range(len(docs)), strict=True))
                vecs[s] = postings.by_position(i, index)
            else:
                vecs[s] = postings.impacts(i, docs)
        return vecs

    def _entries(self, q: _Query, docs: list[int], scores: list[list[float]]) -> list[Ranked]:
        """Ranking entries of `docs` from their per-token scores."""
        totals, covers = _sum_totals(scores, len(docs)), _count_matched(scores, len(docs))
        # (exact name ? 1e6 : 0.0) + cover x 1000, the tier offset, negated.
        offsets = map(_COVER_TIER.__rmul__, covers)
        if q.exact:
            exact = q.exact
            offsets = map(add, (_EXACT_TIER if d in exact else 0.0 for d in docs), offsets)
        finals = self._finish(q, docs, totals)
        return list(zip(map(neg, offsets), map(neg, finals), docs, strict=True))

    def _finish(self, q: _Query, docs: list[int], totals: list[float]) -> list[float]:
        """Totals with the phrase bonus, clamped below the tier step."""
        found: list[int] | None = None
        for pair_set in q.pair_sets:
            if pair_set:
                hits = map(pair_set.__contains__, docs)
                found = list(hits) if found is None else list(map(add, found, hits))
        if found is not None:  # consecutive query words side by side in a name
            totals = list(map(mul, totals, map(q.factors.__getitem__, found)))
        if totals and max(totals) > _MAX_SCORE:
            totals = list(map(min, totals, repeat(_MAX_SCORE)))
        return totals

    def _impacts_known(self, sid: int, docs: list[int], known: dict[int, float]) -> list[float]:
        """Like _impacts, looking up only the impacts not read already."""
        missing = [d for d in docs if d not in known]
        found = dict(zip(missing, self._impacts(sid, missing), strict=True)) if missing else {}
        return [known[d] if d in known else found[d] for d in docs]

    def _output(self, ranked: list[Ranked]) -> list[tuple[str, float]]:
        if not ranked:
            return []
        offsets, scores, docs = zip(*ranked, strict=True)
        finals = map(neg, map(add, offsets, scores))  # offset + score, both were negated
        return list(zip(map(self._keys.__getitem__, docs), map(round, finals, repeat(4)),
                        strict=True))

    # -- planning -------------------------------------------------------------------------

    def _tid(self, term: str) -> int | None:
        i = bisect_left(self._terms, term)
        return i if i < len(self._terms) and self._terms[i] == term else None

    def _plan(self, tokens: list[_QueryToken]) -> _Plan:
        exact_key: str | None = None
        if all(self._tid(t.term) is not None for t in tokens):
            exact_key = "\x1f".join(t.term for t in tokens)
        for token in tokens:
            self._correct_to_synonym(token)
        spans = self._synonym_alternatives(tokens)
        for token in tokens:
            self._own_alternatives(token)
        last = tokens[-1]
        if len(last.surface) >= 3:
            self._prefix_alternatives(last)
        return _Plan(tokens, spans, exact_key)

    def _correct_to_synonym(self, token: _QueryToken) -> None:
        # "metrsh" is in no document but is one typo from the synonym term "metrash".
        max_d = _max_typos(token.surface)
        if max_d == 0 or self._tid(token.term) is not None or token.term in _SYNONYMS.terms:
            return
        found = _SYNONYMS.correct(token.term, max_d)
        if found is not None:
            token.term, distance = found
            token.weight = _W_FUZZY[distance]

    def _synonym_alternatives(self, tokens: list[_QueryToken]) -> list[_Span]:
        spans: list[_Span] = []
        terms = [t.term for t in tokens]
        for start, end, gid in _SYNONYMS.matches(terms):
            weight = _W_SYNONYM * min(t.weight for t in tokens[start:end])
            if end - start == 1:
                # Every member stands for this one word at the same weight: score them as
                # the group's precomputed best-member list (the word's own term, among the
                # members, cannot win at the lower weight). Terms stay alternatives, for
                # the phrase bonus.
                _add_alt(tokens[start].groups, gid, weight)
            if end - start > 1:
                member = _SYNONYMS.groups[gid].index(tuple(terms[start:end]))
                source = self._others_best.get((gid, member), -1)
                if source >= 0:
                    spans.append(_Span(source, weight, start, end))
                continue
            for phrase, source in zip(_SYNONYMS.groups[gid], self._group_sources[gid],
                                      strict=True):
                if len(phrase) == 1 and phrase[0] != terms[start] and source >= 0:
                    _add_alt(tokens[start].alts, source, weight)
        return spans

    def _own_alternatives(self, token: _QueryToken) -> None:
        tid = self._tid(token.term)
        if tid is not None:
            _add_alt(token.alts, tid, token.weight)
        if self._tid(token.typed_term) is not None:
            return
        max_d = _max_typos(token.surface)
        if max_d:
            for tid, distance in self._fuzzy(token, max_d):
                _add_alt(token.alts, tid, _W_FUZZY[distance])

    def _fuzzy(self, token: _QueryToken, max_d: int) -> list[tuple[int, int]]:
        """Vocabulary terms whose term or surface form is within max_d edits of the query's."""
        best: dict[int, int] = {}
        for word_id in self._typo_candidates(token, max_d):
            word, typed = self._typo_word(word_id, token)
            distance = _osa_distance(typed, word, max_d)
            tid = self._word_tid(word_id)
            if distance <= max_d and distance < best.get(tid, max_d + 1):
                best[tid] = distance
        if not best:
            return []
        closest = min(best.values())
        chosen = sorted((-self._df(t), t) for t, d in best.items() if d == closest)
        return self._within_budget([(tid, closest) for _df, tid in chosen][:_FUZZY_MAX_TERMS])

    def _typo_candidates(self, token: _QueryToken, max_d: int) -> set[int]:
        variants = _deletes(token.typed_term, max_d) | _deletes(token.surface, max_d)
        variants |= {token.typed_term, token.surface}
        candidates: set[int] = set()
        for variant in variants:
            low = _hash40(variant) << _ID_BITS
            start = bisect_left(self._deletes, low)
            end = bisect_left(self._deletes, low + (1 << _ID_BITS), start)
            candidates.update(packed & _ID_MASK for packed in self._deletes[start:end])
        return candidates

    def _typo_word(self, word_id: int, token: _QueryToken) -> tuple[str, str]:
        # Word ids below the term count are index terms (compare stems), the rest are
        # surface forms (compare what was typed).
        if word_id < len(self._terms):
            return self._terms[word_id], token.typed_term
        return self._surfaces[word_id - len(self._terms)], token.surface

    def _word_tid(self, word_id: int) -> int:
        n_terms = len(self._terms)
        return word_id if word_id < n_terms else self._surface_tids[word_id - n_terms]

    def _prefix_alternatives(self, token: _QueryToken) -> None:
        found = set(map(self._surface_tids.__getitem__, _prefixed(self._surfaces,
                                                                  token.surface)))
        found.update(_prefixed(self._terms, token.term))
        found -= token.alts.keys()
        off = self._words.off
        ranked = heapq.nsmallest(_PREFIX_MAX_TERMS, ((off[t] - off[t + 1], t) for t in found))
        for tid, _ in self._within_budget([(t, 0) for _df, t in ranked]):
            _add_alt(token.alts, tid, token.weight * _W_PREFIX)

    def _within_budget(self, expansions: list[tuple[int, int]]) -> list[tuple[int, int]]:
        # Expansions come best first; rare words are cheap, very common ones are capped.
        kept: list[tuple[int, int]] = []
        read = 0
        for tid, extra in expansions:
            read += self._df(tid)
            if read > _EXPANSION_POSTINGS_CAP and kept:
                break
            kept.append((tid, extra))
        return kept


def _add_alt(alts: dict[int, float], key: int, weight: float) -> None:
    if weight > alts.get(key, 0.0):
        alts[key] = weight


def _read_tier(postings: _Postings, i: int, cursor: int, want: int, in_tier: bytes,
               known: dict[int, float]) -> tuple[int, float]:
    """Read up to `want` more postings of list i (best first, from rank `cursor`) whose
    documents are in the tier, into `known`. Returns the new cursor and the impact of the
    next posting in the tier (-inf if none): a bound for every tier document not read."""
    docs, imps = postings.ranked_docs, postings.ranked_imps
    pos, end = postings.off[i] + cursor, postings.off[i + 1]
    while pos < end:
        chunk = docs[pos:min(pos + 4 * want + 16, end)]
        for j, d in enumerate(chunk):
            if in_tier[d >> 3] >> (d & 7) & 1:
                if want == 0:
                    return pos + j - postings.off[i], imps[pos + j]
                known[d] = imps[pos + j]
                want -= 1
        pos += len(chunk)
    return end - postings.off[i], _NEG_INF


# Which documents of a tier hold a source: (set, True) the holders, or (set, False) the
# others, or None: any may (all do, or both sets are too large to be worth listing).
_Holders = tuple[set[int], bool] | None


def _holders(held: int, tier: int) -> _Holders:
    if held == tier:
        return None
    n_held = held.bit_count()
    if n_held <= _HOLDERS_MAX:
        return set(_bit_positions(held)), True
    if tier.bit_count() - n_held <= _HOLDERS_MAX:
        return set(_bit_positions(tier & ~held)), False
    return None


def _unread_bounds(holders: _Holders, docs: list[int], bound: float) -> Iterable[float]:
    """Per document, the most an unread posting of the source can give it."""
    if holders is None:
        return repeat(bound)
    members, holding = holders
    values = {holding: bound, not holding: _NEG_INF}
    return map(values.__getitem__, map(members.__contains__, docs))


def _contenders(docs: list[int], low: list[Ranked], high: list[Ranked], settled: list[bool],
                need: int) -> tuple[list[int], list[Ranked], list[bool], Ranked | None]:
    """Keep the documents whose upper bound can reach the need-th best lower bound (that
    entry is returned too, or None while fewer than `need` documents are met)."""
    if len(low) < need:
        return docs, low, settled, None
    kth = heapq.nsmallest(need, low)[-1]
    keep = [h <= kth for h in high]
    return list(compress(docs, keep)), list(compress(low, keep)), list(compress(settled, keep)), kth


def _coverage_tiers(masks: list[int], allowed: int) -> Iterator[tuple[int, int]]:
    """(m, allowed documents matching exactly m query tokens), m from the most down."""
    # at_least[m]: documents matching at least m tokens (a running count in set algebra).
    at_least = [allowed] + [0] * len(masks)
    for i, mask in enumerate(masks):
        for m in range(i + 1, 0, -1):
            at_least[m] |= at_least[m - 1] & mask
    at_least.append(0)
    for m in range(len(masks), 0, -1):
        tier = at_least[m] & ~at_least[m + 1]
        if tier:
            yield m, tier


def _prefixed(words: list[str], prefix: str) -> range:
    """Positions of the sorted `words` that extend `prefix` (not equal to it), at most
    _PREFIX_SCAN of them."""
    if len(prefix) < 3:
        return range(0)
    start = bisect_left(words, prefix)
    after = prefix[:-1] + chr(min(ord(prefix[-1]) + 1, 0x10FFFF))  # past every extension
    stop = min(bisect_left(words, after, start), start + _PREFIX_SCAN)
    if start < stop and words[start] == prefix:
        start += 1
    return range(start, stop)


# ---------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------

class _Builder:
    """Collects per-term postings with packed per-field term frequencies, then freezes.

    Documents are numbered as they arrive; finish() renumbers them in key order (so scores
    and ties do not depend on the input order) and drops those a later one replaced.
    """

    def __init__(self) -> None:
        self.arrivals: list[str] = []  # the key of each document, in arrival order
        self.latest: dict[str, int] = {}  # key -> arrival number of its last document
        self.doc_type = "i"
        self.term_ids: dict[str, int] = {}  # build-time ids, in order of appearance
        self.terms: list[str] = []
        self.surface_tid: dict[str, int] = {}
        # Postings as they come (term, arrival, packed tfs): three big arrays rather than
        # small ones per term, which would pin memory among each document's short-lived text.
        self.post_terms, self.post_docs, self.post_tfs = array("i"), array("i"), array("I")
        self.lengths = [array("i") for _ in _FIELD_WEIGHTS]
        self.pairs = array("Q")  # (term << _TID_BITS | next term) << _DOC_BITS | doc
        self.exact_hash = array("q")  # hash of a name's term sequence ...
        self.exact_docs = array("i")  # ... and its document

    def _tid(self, surface: str) -> int:
        tid = self.surface_tid.get(surface)
        if tid is None:
            term = _index_term(surface)
            tid = self.term_ids.get(term)
            if tid is None:
                tid = self.term_ids[term] = len(self.terms)
                self.terms.append(term)
            self.surface_tid[surface] = tid
        return tid

    def add(self, doc: SearchDoc) -> None:
        doc_id = len(self.arrivals)
        self.arrivals.append(doc.key)
        self.latest[doc.key] = doc_id
        packed: dict[int, int] = {}
        for f, texts in enumerate(doc.fields()):
            token_lists = [tokenize(t) for t in texts if isinstance(t, str)]
            self.lengths[f].append(sum(map(len, token_lists)))
            counts = Counter(self._tid(s) for tokens in token_lists for s in tokens)
            shift = 8 * f
            for tid, tf in counts.items():
                packed[tid] = packed.get(tid, 0) | (min(tf, _MAX_TF) << shift)
            if f == 0:
                self._add_names(doc_id, token_lists)
        self.post_terms.extend(packed)
        self.post_docs.extend(repeat(doc_id, len(packed)))
        self.post_tfs.extend(packed.values())

    def _add_names(self, doc_id: int, token_lists: list[list[str]]) -> None:
        pairs: set[int] = set()
        exact: set[int] = set()
        for tokens in token_lists:
            content = [s for s in tokens if s not in _STOP] or tokens
            tids = [self._tid(s) for s in content]
            # Adjacency never crosses from one name to the next.
            pairs.update(a << _TID_BITS | b for a, b in pairwise(tids))
            key = "\x1f".join(dict.fromkeys(self.terms[t] for t in tids))
            if key:
                exact.add(hash(key))
        self.pairs.extend(p << _DOC_BITS | doc_id for p in pairs if p < _PAIR_LIMIT)
        self.exact_hash.extend(exact)
        self.exact_docs.extend(repeat(doc_id, len(exact)))

    def finish(self, index: SearchIndex) -> SearchIndex:
        # Each step drops what it used: the build's peak memory stays in the process's RSS.
        index._keys = sorted(self.latest)
        self.doc_type = _doc_type(len(index._keys))
        doc_of = array("i", [-1]) * len(self.arrivals)  # arrival -> final id, -1: replaced
        for doc_id, key in enumerate(index._keys):
            doc_of[self.latest[key]] = doc_id
        in_order = self.arrivals == index._keys  # final ids are arrival numbers
        self.arrivals, self.latest, self.term_ids = [], {}, {}
        # Final term ids are positions in the sorted vocabulary: no str -> id dict needed.
        order = sorted(range(len(self.terms)), key=self.terms.__getitem__)
        new_id = array("i", bytes(4 * len(order)))
        for new, old in enumerate(order):
            new_id[old] = new
        index._terms = [self.terms[old] for old in order]
        self._freeze_postings(index, order, doc_of, in_order)
        del order
        self._freeze_exact(index, doc_of)
        surfaces = sorted(self.surface_tid)
        index._surfaces = surfaces
        index._surface_tids = array("i", (new_id[self.surface_tid[s]] for s in surfaces))
        self.surface_tid = {}
        self._freeze_pairs(index, new_id, doc_of)
        _freeze_phrases(index, self.doc_type)
        index._deletes = _deletion_index(index._terms, surfaces, index._surface_tids)
        return index

    def _freeze_exact(self, index: SearchIndex, doc_of: array) -> None:
        live = [j for j, d in enumerate(self.exact_docs) if doc_of[d] >= 0]
        live.sort(key=self.exact_hash.__getitem__)
        index._exact_hash = array("q", map(self.exact_hash.__getitem__, live))
        index._exact_docs = array(self.doc_type, (doc_of[self.exact_docs[j]] for j in live))
        self.exact_hash, self.exact_docs = array("q"), array("i")

    def _field_factors(self, doc_of: array) -> list[array]:
        """Per arrival, each field's weight over its BM25 length normalisation."""
        live = [a for a, d in enumerate(doc_of) if d >= 0]
        factors = []
        for f, lengths in enumerate(self.lengths):
            avg = (sum(map(lengths.__getitem__, live)) / max(len(live), 1)) or 1.0
            w, b = _FIELD_WEIGHTS[f], _FIELD_B[f]
            factors.append(array("d", (w / (1.0 - b + b * n / avg) for n in lengths)))
        return factors

    def _freeze_postings(self, index: SearchIndex, order: list[int], doc_of: array,
                         in_order: bool) -> None:
        n_docs = len(index._keys)
        f0, f1, f2, f3 = self._field_factors(doc_of)
        words = _Postings(self.doc_type, "f", n_docs)
        starts, all_docs, all_tfs = self._postings_by_term()
        for old in order:
            docs = all_docs[starts[old]:starts[old + 1]]
            tfs = all_tfs[starts[old]:starts[old + 1]]
            if not in_order:
                docs, tfs = _renumbered(docs, tfs, doc_of)
            df = len(docs)
            idf = math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))
            imps = array("f")
            for d, p in zip(docs, tfs, strict=True):  # d: an arrival number still
                tf = ((p & 255) * f0[d] + (p >> 8 & 255) * f1[d]
                      + (p >> 16 & 255) * f2[d] + (p >> 24) * f3[d])
                imps.append(idf * tf * (_K1 + 1.0) / (tf + _K1))
            words.append(array(self.doc_type, map(doc_of.__getitem__, docs)), imps)
        index._words = words
        self.lengths = []

    def _postings_by_term(self) -> tuple[array, array, array]:
        """The postings grouped by term (a counting sort; arrivals stay in order)."""
        counts = Counter(self.post_terms)
        starts = array("q", [0])
        for t in range(len(self.terms)):
            starts.append(starts[-1] + counts[t])
        free = array("q", starts)
        docs, tfs = array("i", bytes(4 * len(self.post_docs))), array("I", bytes(4 * len(
            self.post_tfs)))
        for t, d, p in zip(self.post_terms, self.post_docs, self.post_tfs, strict=True):
            at = free[t]
            docs[at], tfs[at] = d, p
            free[t] = at + 1
        self.post_terms, self.post_docs, self.post_tfs = array("i"), array("i"), array("I")
        return starts, docs, tfs

    def _freeze_pairs(self, index: SearchIndex, new_id: array, doc_of: array) -> None:
        keys, offsets, docs = array("Q"), array("q"), array(self.doc_type)
        if len(self.terms) <= 1 << _TID_BITS:
            tid_mask, doc_mask = (1 << _TID_BITS) - 1, (1 << _DOC_BITS) - 1
            packed = _sorted_array((
                (new_id[p >> (_TID_BITS + _DOC_BITS)] << _TID_BITS
                 | new_id[p >> _DOC_BITS & tid_mask]) << _DOC_BITS | doc_of[p & doc_mask]
                for p in self.pairs if doc_of[p & doc_mask] >= 0),
                len(self.terms).bit_length() + _TID_BITS + _DOC_BITS)
            self.pairs = array("Q")
            for p in packed:
                if not keys or keys[-1] != p >> _DOC_BITS:
                    keys.append(p >> _DOC_BITS)
                    offsets.append(len(docs))
                docs.append(p & doc_mask)
        offsets.append(len(docs))
        self.pairs = array("Q")
        index._pair_keys, index._pair_off, index._pair_docs = keys, offsets, docs


def _freeze_phrases(index: SearchIndex, doc_type: str) -> None:
    """Resolve every synonym phrase to a source: a term, or for several terms a posting list
    of the documents holding all of them, scored by the sum of their impacts taken rarest
    term first (so a phrase alternative is one list, with exact threshold bounds)."""
    phrases = _Postings(doc_type, "d", len(index._keys), mask_min_df=1)
    ids: dict[tuple[int, ...], int] = {}
    for group in _SYNONYMS.groups:
        sources = []
        for phrase in group:
            maybe = [index._tid(t) for t in phrase]
            tids = [t for t in maybe if t is not None]
            if len(tids) < len(maybe):
                sources.append(-1)
                continue
            terms = tuple(sorted(tids, key=index._words.df))
            if len(terms) == 1:
                sources.append(terms[0])
                continue
            if terms not in ids:
                acc = _conjunction(index._words, terms)
                ids[terms] = len(index._terms) + len(phrases) if acc else -1
                if acc:
                    phrases.append(array(doc_type, acc), array("d", acc.values()))
            sources.append(ids[terms])
        gid = len(index._group_sources)
        index._group_sources.append(tuple(sources))
        index._group_terms.append(frozenset(s for s in sources if 0 <= s < len(index._terms)))
        index._group_best.append(_add_best_of(index, phrases, doc_type, sources))
        for member, phrase in enumerate(group):
            if len(phrase) > 1:
                others = sources[:member] + sources[member + 1:]
                index._others_best[gid, member] = _add_best_of(index, phrases, doc_type,
                                                               others)
    index._phrases = phrases


def _add_best_of(index: SearchIndex, phrases: _Postings, doc_type: str,
                 sources: list[int]) -> int:
    """Add a list of each document's best impact among `sources`; its id, or -1 if empty."""
    best: dict[int, float] = {}
    n_terms = len(index._terms)
    for sid in (s for s in sources if s >= 0):
        postings, i = (index._words, sid) if sid < n_terms else (phrases, sid - n_terms)
        start, end = postings.off[i], postings.off[i + 1]
        for d, imp in zip(postings.docs[start:end], postings.imps[start:end], strict=True):
            if imp > best.get(d, _NEG_INF):
                best[d] = imp
    if not best:
        return -1
    docs = sorted(best)
    phrases.append(array(doc_type, docs), array("d", map(best.__getitem__, docs)))
    return n_terms + len(phrases) - 1


def _conjunction(words: _Postings, terms: tuple[int, ...]) -> dict[int, float]:
    """Documents holding every term -> sum of the impacts, in the order given."""
    acc: dict[int, float] = {}
    for n, t in enumerate(terms):
        start, end = words.off[t], words.off[t + 1]
        pairs = zip(words.docs[start:end], words.imps[start:end], strict=True)
        acc = dict(pairs) if n == 0 else {d: acc[d] + s for d, s in pairs if d in acc}
    return acc


def _renumbered(docs: array, tfs: array, doc_of: array) -> tuple[array, array]:
    """A posting list's live documents (arrival numbers) and frequencies, in final id
    order."""
    ids = list(map(doc_of.__getitem__, docs))
    ranks = sorted(compress(range(len(ids)), map((0).__le__, ids)), key=ids.__getitem__)
    return array("i", map(docs.__getitem__, ranks)), array("I", map(tfs.__getitem__, ranks))


def _doc_type(n_docs: int) -> str:
    return "H" if n_docs <= 1 << 16 else "i"  # two bytes per document id whenever they fit


def _deletion_index(terms: list[str], surfaces: list[str], surface_tids: array) -> array:
    """Sorted (40-bit hash of a word or deletion variant << 24 | word id) for typo look-ups.

    Word ids 0..len(terms)-1 are index terms, the next ones surface forms. A surface that is
    its own term is left out: the term already stands for it.
    """
    def entries() -> Iterator[int]:
        for word_id, word in enumerate(terms + surfaces):
            if len(word) < 3 or word.isdigit() or word_id > _ID_MASK:
                continue
            n = word_id - len(terms)
            if n >= 0 and terms[surface_tids[n]] == word:
                continue
            variants = _deletes(word, 2 if len(word) >= 6 else 1)
            variants.add(word)
            yield from ((_hash40(v) << _ID_BITS) | word_id for v in variants)

    return _sorted_array(entries(), _HASH_BITS + _ID_BITS)


def _sorted_array(values: Iterable[int], bits: int) -> array:
    """The unsigned `bits`-bit values, sorted, as an array: bucketed by their top byte so
    that no list of them all is ever made (it would cost ~36 bytes a value)."""
    buckets = [array("Q") for _ in range(256)]
    shift = max(bits - 8, 0)
    for value in values:
        buckets[value >> shift].append(value)
    out = array("Q")
    for bucket in buckets:
        out.extend(sorted(bucket))
        del bucket[:]
    return out
