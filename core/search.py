"""In-memory, Arabic-first service search (pure Python: identical on SQLite and PostgreSQL).

Analysis: text -> i18n.arabic.normalize (one normaliser for documents and queries: alef and
hamza forms, taa marbuta, alef maqsura, harakat, tatweel, Persian letters, any digits, bidi
marks, case, accents, punctuation) -> tokens -> lemma table (broken plurals such as فواتير
-> فاتورة) -> light stem (Arabic light10, conservative English). Stop words are dropped from
queries unless the query has nothing else.
Index: BM25F over four fields weighted name > keywords > extra (agency, category) >
description; each posting's impact (idf x saturated, length-normalised, field-weighted tf) is
computed at build time, so a query only adds floats for the documents in its posting lists.
Documents get ids in key order, so scores and order do not depend on the input order.
Query: every term may be matched by (a) itself, (b) its synonym group (lexicon; multi-word
members match as a conjunction, e.g. رخصة سواقة -> رخصة قيادة), weight 0.85, (c) if it is not
in the vocabulary, words (stems or surface forms) within Damerau (OSA) distance 1 (4-7 typed
characters) or 2 (8+), found through a SymSpell deletion index of 40-bit hashes, weight
0.7/0.5 (a typo of a synonym-table word, "metrsh", is corrected first), (d) for the last
term only, vocabulary words it is a prefix of (as-you-type, 3+ characters), weight 0.6.
Ranking: exact full-name match first, then the number of query terms matched (documents
matching every term first), then the BM25F sum with a bonus when consecutive query terms
are adjacent and in order in a name; ties break by key.
"""
from __future__ import annotations

import heapq
import math
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

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
_PHRASE_CHECK_TOP = 200  # adjacency is checked for the best candidates only
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


@lru_cache(maxsize=131072)
def analyze(token: str) -> str:
    """Index term of one normalised token: lemma table, then light stem."""
    return stem(_lemma(token))


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

    def __post_init__(self) -> None:
        self.term = self.term or self.typed_term


@dataclass(frozen=True)
class _Span:
    tids: tuple[int, ...]  # all must occur in the document
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
# The index
# ---------------------------------------------------------------------------------------

class SearchIndex:
    """Immutable after build; safe to share between threads."""

    def __init__(self) -> None:
        self._keys: list[str] = []
        self._term_ids: dict[str, int] = {}
        self._post_off = array("q", [0])
        self._post_docs = array("i")
        self._post_imp = array("f")
        self._name_seq = array("i")
        self._name_off = array("q", [0])
        self._exact: dict[str, tuple[int, ...]] = {}
        self._surfaces: list[str] = []
        self._surface_tids = array("i")
        self._sorted_terms: list[str] = []
        self._sorted_term_tids = array("i")
        self._terms_by_id: list[str] = []
        self._deletes = array("Q")

    @classmethod
    def build(cls, docs: Iterable[SearchDoc]) -> SearchIndex:
        by_key = {doc.key: doc for doc in docs}  # a repeated key: the last one wins
        builder = _Builder()
        for doc_id, key in enumerate(sorted(by_key)):
            builder.add(doc_id, by_key[key])
        return builder.finish(cls())

    def __len__(self) -> int:
        return len(self._keys)

    # -- public ---------------------------------------------------------------------------

    def search(self, query: str, limit: int | None = None) -> list[tuple[str, float]]:
        """All matching keys, best first, with scores."""
        if not isinstance(query, str) or not self._keys or (limit is not None and limit <= 0):
            return []
        tokens = _query_tokens(query)
        if not tokens:
            return []
        plan = self._plan(tokens)
        span_scores = [self._conjunction(span.tids) for span in plan.spans]
        best = [self._token_scores(plan, i, span_scores) for i in range(len(tokens))]
        totals, cover = _combine(best)
        if not totals:
            return []
        final = self._final_scores(plan, totals, cover)
        order = sorted(final)  # ascending doc id == ascending key: the tie-break
        if limit is None:
            ranked = sorted(order, key=final.__getitem__, reverse=True)
        else:
            ranked = heapq.nlargest(limit, order, key=final.__getitem__)
        return [(self._keys[d], round(final[d], 4)) for d in ranked]

    # -- planning -------------------------------------------------------------------------

    def _plan(self, tokens: list[_QueryToken]) -> _Plan:
        exact_key: str | None = None
        if all(t.term in self._term_ids for t in tokens):
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
        if max_d == 0 or token.term in self._term_ids or token.term in _SYNONYMS.terms:
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
            for phrase in _SYNONYMS.groups[gid]:
                tids = tuple(self._term_ids.get(t, -1) for t in phrase)
                if tuple(terms[start:end]) == phrase or -1 in tids:
                    continue
                if end - start == 1 and len(tids) == 1:
                    _add_alt(tokens[start].alts, tids[0], weight)
                else:
                    spans.append(_Span(tids, weight, start, end))
        return spans

    def _own_alternatives(self, token: _QueryToken) -> None:
        tid = self._term_ids.get(token.term)
        if tid is not None:
            _add_alt(token.alts, tid, token.weight)
        if token.typed_term in self._term_ids:
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
        if word_id < len(self._terms_by_id):
            return self._terms_by_id[word_id], token.typed_term
        return self._surfaces[word_id - len(self._terms_by_id)], token.surface

    def _word_tid(self, word_id: int) -> int:
        n_terms = len(self._terms_by_id)
        return word_id if word_id < n_terms else self._surface_tids[word_id - n_terms]

    def _prefix_alternatives(self, token: _QueryToken) -> None:
        found: set[int] = set()
        found.update(_prefixed(self._surfaces, self._surface_tids, token.surface))
        found.update(_prefixed(self._sorted_terms, self._sorted_term_tids, token.term))
        found -= token.alts.keys()
        ranked = sorted(found, key=lambda t: (-self._df(t), t))[:_PREFIX_MAX_TERMS]
        for tid, _ in self._within_budget([(t, 0) for t in ranked]):
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

    # -- scoring --------------------------------------------------------------------------

    def _df(self, tid: int) -> int:
        return self._post_off[tid + 1] - self._post_off[tid]

    def _postings(self, tid: int) -> tuple[array, array]:
        start, end = self._post_off[tid], self._post_off[tid + 1]
        return self._post_docs[start:end], self._post_imp[start:end]

    def _token_scores(self, plan: _Plan, index: int,
                      span_scores: list[dict[int, float]]) -> dict[int, float]:
        """Best score per document for one query token over all its alternatives."""
        best: dict[int, float] = {}
        for tid, weight in sorted(plan.tokens[index].alts.items(), key=lambda a: -a[1]):
            docs, imps = self._postings(tid)
            if not best and weight == 1.0:
                best = dict(zip(docs, imps, strict=True))
                continue
            _merge_max(best, docs, imps, weight)
        for span, scores in zip(plan.spans, span_scores, strict=True):
            if span.start <= index < span.end:
                # A phrase covering n query words earns each of them 1/n of its score.
                share = span.weight / (span.end - span.start)
                _merge_max(best, scores.keys(), scores.values(), share)
        return best

    def _conjunction(self, tids: tuple[int, ...]) -> dict[int, float]:
        lists = sorted((self._postings(t) for t in tids), key=lambda p: len(p[0]))
        acc = dict(zip(*lists[0], strict=True))
        for docs, imps in lists[1:]:
            acc = {d: acc[d] + s for d, s in zip(docs, imps, strict=True) if d in acc}
            if not acc:
                break
        return acc

    def _final_scores(self, plan: _Plan, totals: dict[int, float],
                      cover: dict[int, int]) -> dict[int, float]:
        if len(plan.tokens) > 1:
            self._phrase_bonus(plan, totals, cover)
        exact = set(self._exact.get(plan.exact_key, ())) if plan.exact_key else set()
        return {
            d: (_EXACT_TIER if d in exact else 0.0) + cover[d] * _COVER_TIER
            + min(score, _MAX_SCORE)
            for d, score in totals.items()
        }

    def _phrase_bonus(self, plan: _Plan, totals: dict[int, float],
                      cover: dict[int, int]) -> None:
        pairs = len(plan.tokens) - 1
        term_sets = [frozenset(t.alts) for t in plan.tokens]
        several = [d for d, c in cover.items() if c > 1]
        top = heapq.nlargest(_PHRASE_CHECK_TOP, several,
                             key=lambda d: cover[d] * _COVER_TIER + totals[d])
        for d in top:
            seq = self._name_seq[self._name_off[d]:self._name_off[d + 1]]
            found = _adjacent_pairs(seq, term_sets)
            if found:
                totals[d] *= 1.0 + _PHRASE_BONUS * found / pairs


def _add_alt(alts: dict[int, float], tid: int, weight: float) -> None:
    if weight > alts.get(tid, 0.0):
        alts[tid] = weight


def _merge_max(best: dict[int, float], docs: Iterable[int], scores: Iterable[float],
               weight: float) -> None:
    get = best.get
    for d, s in zip(docs, scores, strict=True):
        s *= weight
        if s > get(d, 0.0):
            best[d] = s


def _combine(best: list[dict[int, float]]) -> tuple[dict[int, float], dict[int, int]]:
    totals: dict[int, float] = {}
    cover: dict[int, int] = {}
    for scores in best:
        for d, s in scores.items():
            totals[d] = totals.get(d, 0.0) + s
            cover[d] = cover.get(d, 0) + 1
    return totals, cover


def _adjacent_pairs(seq: Sequence[int], term_sets: list[frozenset[int]]) -> int:
    """How many consecutive query-token pairs appear next to each other, in order."""
    found = 0
    for left, right in pairwise(term_sets):
        if any(a in left and b in right for a, b in pairwise(seq)):
            found += 1
    return found


def _prefixed(words: list[str], tids: array, prefix: str) -> Iterator[int]:
    if len(prefix) < 3:
        return
    start = bisect_left(words, prefix)
    for i in range(start, min(start + _PREFIX_SCAN, len(words))):
        if not words[i].startswith(prefix):
            return
        if words[i] != prefix:
            yield tids[i]


# ---------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------

class _Builder:
    """Collects per-term postings with packed per-field term frequencies, then freezes."""

    def __init__(self) -> None:
        self.term_ids: dict[str, int] = {}
        self.surface_tid: dict[str, int] = {}
        self.p_docs: list[array] = []
        self.p_tfs: list[array] = []
        self.lengths = [array("i") for _ in _FIELD_WEIGHTS]
        self.keys: list[str] = []
        self.name_seq = array("i")
        self.name_off = array("q", [0])
        self.exact: dict[str, list[int]] = {}

    def _tid(self, surface: str) -> int:
        tid = self.surface_tid.get(surface)
        if tid is None:
            term = analyze(surface)
            tid = self.term_ids.get(term)
            if tid is None:
                tid = self.term_ids[term] = len(self.term_ids)
                self.p_docs.append(array("i"))
                self.p_tfs.append(array("I"))
            self.surface_tid[surface] = tid
        return tid

    def add(self, doc_id: int, doc: SearchDoc) -> None:
        self.keys.append(doc.key)
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
        for tid, tfs in packed.items():
            self.p_docs[tid].append(doc_id)
            self.p_tfs[tid].append(tfs)

    def _add_names(self, doc_id: int, token_lists: list[list[str]]) -> None:
        for tokens in token_lists:
            content = [s for s in tokens if s not in _STOP] or tokens
            tids = [self._tid(s) for s in content]
            self.name_seq.extend(tids)
            self.name_seq.append(-1)  # adjacency never crosses from one name to the next
            key = "\x1f".join(dict.fromkeys(analyze(s) for s in content))
            if key and doc_id not in self.exact.setdefault(key, []):
                self.exact[key].append(doc_id)
        self.name_off.append(len(self.name_seq))

    def finish(self, index: SearchIndex) -> SearchIndex:
        index._keys = self.keys
        index._term_ids = self.term_ids
        self._freeze_postings(index)
        index._name_seq, index._name_off = self.name_seq, self.name_off
        index._exact = {k: tuple(v) for k, v in self.exact.items()}
        surfaces = sorted(self.surface_tid)
        index._surfaces = surfaces
        index._surface_tids = array("i", (self.surface_tid[s] for s in surfaces))
        terms = sorted(self.term_ids)
        index._sorted_terms = terms
        index._sorted_term_tids = array("i", (self.term_ids[t] for t in terms))
        index._terms_by_id = list(self.term_ids)  # ids were handed out in insertion order
        index._deletes = _deletion_index(index._terms_by_id, surfaces)
        return index

    def _field_factors(self) -> list[list[float]]:
        n_docs = max(len(self.keys), 1)
        factors = []
        for f, lengths in enumerate(self.lengths):
            avg = (sum(lengths) / n_docs) or 1.0
            w, b = _FIELD_WEIGHTS[f], _FIELD_B[f]
            factors.append([w / (1.0 - b + b * n / avg) for n in lengths])
        return factors

    def _freeze_postings(self, index: SearchIndex) -> None:
        n_docs = len(self.keys)
        f0, f1, f2, f3 = self._field_factors()
        docs_out, imps_out, offsets = array("i"), array("f"), array("q", [0])
        for docs, tfs in zip(self.p_docs, self.p_tfs, strict=True):
            df = len(docs)
            idf = math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))
            imps = []
            for d, p in zip(docs, tfs, strict=True):
                tf = ((p & 255) * f0[d] + (p >> 8 & 255) * f1[d]
                      + (p >> 16 & 255) * f2[d] + (p >> 24) * f3[d])
                imps.append(idf * tf * (_K1 + 1.0) / (tf + _K1))
            docs_out.extend(docs)
            imps_out.extend(imps)
            offsets.append(len(docs_out))
        index._post_docs, index._post_imp, index._post_off = docs_out, imps_out, offsets
        self.p_docs, self.p_tfs = [], []


def _deletion_index(terms: list[str], surfaces: list[str]) -> array:
    """Sorted (40-bit hash of a word or deletion variant << 24 | word id) for typo look-ups.

    Word ids 0..len(terms)-1 are index terms, the next ones surface forms. A surface that is
    its own term is left out: the term already stands for it.
    """
    packed: list[int] = []
    for word_id, word in enumerate(terms + surfaces):
        if len(word) < 3 or word.isdigit() or word_id > _ID_MASK:
            continue
        if word_id >= len(terms) and analyze(word) == word:
            continue
        variants = _deletes(word, 2 if len(word) >= 6 else 1)
        variants.add(word)
        packed.extend((_hash40(v) << _ID_BITS) | word_id for v in variants)
    packed.sort()
    return array("Q", packed)
