"""Phrase matching over tokens: exact, stemmed, fuzzy and prefix, negation-aware.

A `PhraseMatcher` is compiled once per rubric (see `compiled.py`). What can start at a word
(exact, stemmed, prefix and one-word fuzzy candidates) is worked out once per distinct word, and
which phrases a two- or more-word n-gram nearly spells once per distinct n-gram; rapidfuzz only
ever sees words and n-grams the matcher has not met. An answer then costs a few C-level passes
over its tokens plus a check at each token where something can start.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import compress, count, filterfalse, repeat
from operator import is_, itemgetter
from typing import Literal, NamedTuple

import numpy as np
from rapidfuzz import fuzz, process

from rubrics.memo import WordMemo
from rubrics.text import Tokens, stem, tokenize

MatchKind = Literal["exact", "stem", "fuzzy", "synonym"]
_KIND_RANK = {"exact": 0, "synonym": 1, "stem": 2, "fuzzy": 3}
NEGATORS = frozenset(
    {"no", "not", "never", "without", "none", "nor", "neither", "cannot", "lack", "lacked", "lacking",
     "skipped", "skip", "ignored", "nobody", "nothing", "instead"}
)
_NOT_NEGATING_NEXT = frozenset({"only", "just", "merely", "simply", "always"})
NEGATION_WINDOW = 4
MAX_FUZZY_TOKENS = 4
_MAX_CACHED_WORDS = 20_000


@dataclass(frozen=True, slots=True)
class Phrase:
    owner: int  # index of the concept or pitfall phrase group it belongs to
    form: str
    words: tuple[str, ...]
    stems: tuple[str, ...]
    canonical: bool
    fuzzy_threshold: float | None  # None: exact or stemmed only
    stemmed: bool
    prefix: bool


class Hit(NamedTuple):
    owner: int
    form: str
    kind: MatchKind
    first: int  # token index
    last: int  # exclusive
    start: int  # char offsets into the answer
    end: int
    negated: bool


def fuzzy_threshold(form: str) -> float | None:
    """Short terms ("A/B", "PSI", "KS") never match fuzzily; longer ones tolerate more edits."""
    letters = sum(ch.isalpha() for ch in form)
    if letters < 5 or any(ch.isdigit() or ch == "/" for ch in form):
        return None
    if letters <= 7:
        return 93.0
    if letters <= 12:
        return 90.0
    return 87.0


def make_phrase(owner: int, form: str, *, canonical: bool, exact_only: bool = False,
                prefix: bool = False, fuzzy: bool = True) -> Phrase | None:
    tokens = tokenize(form)
    if not len(tokens):
        return None
    words = tuple(tokens.words)
    short = len(words) == 1 and (len(words[0]) <= 3 or any(ch.isdigit() or ch == "/" for ch in words[0]))
    exact_only = exact_only or short
    return Phrase(
        owner, form, words, tuple(tokens.stems), canonical,
        None if exact_only or not fuzzy or len(words) > MAX_FUZZY_TOKENS
        else fuzzy_threshold(" ".join(words)),
        not exact_only, prefix and len(words) == 1 and len(words[0]) >= 5,
    )


class _Candidates(NamedTuple):
    """The phrases that may start at a token, found from its text alone, ready to check against what follows."""

    exact: tuple[tuple[Phrase, int, list[str], MatchKind], ...]  # first word equal: (phrase, length, rest, kind)
    stemmed: tuple[tuple[Phrase, int, list[str], list[str]], ...]  # first stem equal: (.., rest stems, words)
    prefixed: tuple[tuple[Phrase, MatchKind], ...]  # the token starts with the phrase
    fuzzy: tuple[Phrase, ...]  # one-word phrases the token nearly spells


class PhraseMatcher:
    def __init__(self, phrases: list[Phrase]) -> None:
        self._by_word: dict[str, list[Phrase]] = defaultdict(list)
        self._by_stem: dict[str, list[Phrase]] = defaultdict(list)
        self._prefixes: dict[str, list[Phrase]] = defaultdict(list)  # keyed by the first 4 letters
        for phrase in phrases:
            if phrase.prefix:
                self._prefixes[phrase.words[0][:4]].append(phrase)
        fuzzy: dict[int, list[Phrase]] = defaultdict(list)
        for phrase in phrases:
            # Stemmed phrases are found through their stems (an exact match has equal stems too).
            if phrase.stemmed:
                self._by_stem[phrase.stems[0]].append(phrase)
            else:
                self._by_word[phrase.words[0]].append(phrase)
            if phrase.fuzzy_threshold is not None:
                fuzzy[len(phrase.words)].append(phrase)
        self._fuzzy = {n: (group, [" ".join(p.words) for p in group], min(p.fuzzy_threshold for p in group),
                           _starts_near_miss(frozenset(p.words[0][0] for p in group), single_word=n == 1))
                       for n, group in fuzzy.items()}
        # A word's near misses of one-word phrases are a property of the word: found with its candidates.
        self._fuzzy_words = self._fuzzy.pop(1, None)
        # Word -> candidates (None: no phrase starts there). Answers share most of their words,
        # so after a few answers a token costs one dict look-up.
        self._candidates: dict[str, _Candidates | None] = {}
        # Per phrase length, n-gram (a word, or a tuple of words) -> the phrases it nearly spells
        # (mostly none), remembered likewise.
        self._near: dict[int, dict] = {n: {} for n in self._fuzzy}

    def _remember(self, words: set[str]) -> None:
        cache = self._candidates
        if len(cache) + len(words) > _MAX_CACHED_WORDS:
            cache.clear()
        near: dict[str, tuple[Phrase, ...]] = {}
        if self._fuzzy_words is not None:
            group, forms, cutoff, may_start = self._fuzzy_words
            keys = list(filter(may_start.__getitem__, words))
            if keys:
                near = {keys[col]: phrases for col, phrases in self._compare(group, forms, cutoff, keys).items()}
        for word in words:
            exact = tuple((p, len(p.words), list(p.words[1:]), "exact" if p.canonical else "synonym")
                          for p in self._by_word.get(word, ()))
            stemmed = tuple((p, len(p.words), list(p.stems[1:]), list(p.words))
                            for p in self._by_stem.get(stem(word), ()))
            prefixed = tuple((p, "stem" if p.canonical else "synonym")
                             for p in self._prefixes.get(word[:4], ()) if word.startswith(p.words[0]))
            fuzzy = near.get(word, ())
            found = exact or stemmed or prefixed or fuzzy
            cache[word] = _Candidates(exact, stemmed, prefixed, fuzzy) if found else None

    def find(self, tokens: Tokens) -> list[Hit]:
        found: dict[tuple[int, int, int], tuple[Phrase, MatchKind]] = {}

        def add(phrase: Phrase, i: int, n: int, kind: MatchKind) -> None:
            key = (phrase.owner, i, i + n)
            if key not in found or _KIND_RANK[kind] < _KIND_RANK[found[key][1]]:
                found[key] = (phrase, kind)

        words, stems = tokens.words, tokens.stems
        cache = self._candidates
        unseen = set(filterfalse(cache.__contains__, words))
        if unseen:
            self._remember(unseen)
        candidates = list(map(cache.__getitem__, words))
        # Only tokens where a phrase can start; a slice that runs past the end compares unequal.
        for i in compress(count(), candidates):
            exact, stemmed, prefixed, fuzzy = candidates[i]
            for phrase, n, rest, kind in exact:
                if words[i + 1:i + n] == rest:
                    add(phrase, i, n, kind)
            for phrase, n, rest, phrase_words in stemmed:
                if stems[i + 1:i + n] == rest:
                    if not phrase.canonical:
                        add(phrase, i, n, "synonym")
                    elif words[i:i + n] == phrase_words:
                        add(phrase, i, n, "exact")
                    else:
                        add(phrase, i, n, "stem")
            for phrase, kind in prefixed:
                add(phrase, i, 1, kind)
            for phrase in fuzzy:
                if (phrase.owner, i, i + 1) not in found:
                    add(phrase, i, 1, "fuzzy")
        if self._fuzzy:
            self._find_fuzzy(words, found, add)
        starts, ends = tokens.starts, tokens.ends
        negation = any(map(_NEGATING.__getitem__, words))  # most answers have no negator at all
        hits = [
            Hit(owner, phrase.form, kind, first, last, starts[first], ends[last - 1],
                negation and is_negated(tokens, first))
            for (owner, first, last), (phrase, kind) in found.items()
        ]
        return _without_overlaps(hits)

    def _find_fuzzy(self, words: list[str], found: dict, add) -> None:
        for n, (group, forms, cutoff, may_start) in self._fuzzy.items():
            # Only n-grams whose first word may begin a near miss (see `_starts_near_miss`), as tuples
            # of words; `positions` says where each one starts.
            usable = list(map(may_start.__getitem__, words))
            positions = list(compress(count(), usable))
            if not positions:
                continue
            grams = list(compress(zip(*(words[k:] for k in range(n)), strict=False), usable))
            near = self._near[n]
            entries = list(map(near.get, grams))
            if None in entries:  # n-grams not met before: compare them once, remember the answer
                unseen = list(set(compress(grams, map(is_, entries, repeat(None)))))
                if len(near) + len(unseen) > _MAX_CACHED_WORDS:
                    near.clear()
                near.update(dict.fromkeys(unseen, ()))
                close = self._compare(group, forms, cutoff, list(map(" ".join, unseen)))
                if close:
                    new = {unseen[col]: phrases for col, phrases in close.items()}
                    near.update(new)
                    for j in compress(count(), map(new.__contains__, grams)):
                        entries[j] = new[grams[j]]
            # An entry is truthy only when its n-gram nearly spells some phrase.
            for j in compress(count(), entries):
                i = positions[j]
                for phrase in entries[j]:
                    if (phrase.owner, i, i + n) not in found:
                        add(phrase, i, n, "fuzzy")

    @staticmethod
    def _compare(group: list[Phrase], forms: list[str], cutoff: float, texts: list[str]) -> dict[int, tuple]:
        """For each n-gram text (by index) that nearly spells some phrases, those phrases."""
        close: dict[int, list[Phrase]] = defaultdict(list)
        scores = process.cdist(forms, texts, scorer=fuzz.ratio, score_cutoff=cutoff, workers=1)
        for row, col in zip(*np.nonzero(scores), strict=True):
            phrase, score, text = group[row], scores[row, col], texts[col]
            # 100 is the phrase itself, which the exact and stemmed passes already found.
            if score < 100 and score >= phrase.fuzzy_threshold and text[0] == phrase.words[0][0]:
                close[col].append(phrase)
        return {col: tuple(phrases) for col, phrases in close.items()}


def _starts_near_miss(initials: frozenset[str], *, single_word: bool) -> WordMemo[bool]:
    """Whether an n-gram starting with a word may nearly spell a phrase: fuzzy matches keep the first
    letter, and single words under 4 letters never match."""
    if single_word:
        return WordMemo(lambda word: word[0] in initials and len(word) >= 4, limit=_MAX_CACHED_WORDS)
    return WordMemo(lambda word: word[0] in initials, limit=_MAX_CACHED_WORDS)


_NEGATING: WordMemo[bool] = WordMemo(lambda word: word in NEGATORS or word.endswith(("n't", "n’t")), limit=100_000)


def is_negated(tokens: Tokens, first: int) -> bool:
    """A negator within a few tokens before the match, in the same clause."""
    words = tokens.words
    low = max(0, first - NEGATION_WINDOW)
    if not any(map(_NEGATING.__getitem__, words[low:first])):
        return False  # most matches: no negator near at all
    clauses = tokens.clauses
    clause = clauses[first]
    for j in range(first - 1, low - 1, -1):
        if clauses[j] != clause:
            return False
        if _NEGATING[words[j]] and words[j + 1] not in _NOT_NEGATING_NEXT:
            return True
    return False


def _without_overlaps(hits: list[Hit]) -> list[Hit]:
    """Per owner, keep the longest, best-kind match where matches overlap."""
    hits.sort(key=_OWNER_AND_FIRST)
    # Most answers have no overlapping matches of one owner: then every hit stays.
    if any(map(_overlaps, hits, hits[1:])):
        hits.sort(key=lambda h: (h.owner, -(h.last - h.first), _KIND_RANK[h.kind], h.first))
        kept: list[Hit] = []
        taken: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for hit in hits:
            spans = taken[hit.owner]
            if any(hit.first < last and first < hit.last for first, last in spans):
                continue
            spans.append((hit.first, hit.last))
            kept.append(hit)
        hits = kept
    hits.sort(key=_START_AND_OWNER)
    return hits


_OWNER_AND_FIRST = itemgetter(0, 3)
_START_AND_OWNER = itemgetter(5, 0)


def _overlaps(before: Hit, after: Hit) -> bool:
    """Whether two hits, in (owner, first) order, belong to one owner and overlap."""
    return before.owner == after.owner and after.first < before.last
