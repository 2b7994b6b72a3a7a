"""Phrase matching over tokens: exact, stemmed, fuzzy and prefix, negation-aware.

A `PhraseMatcher` is compiled once per rubric (see `compiled.py`) and then
scans each answer's tokens in one pass plus one rapidfuzz `cdist` per phrase length.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
from rapidfuzz import fuzz, process

from rubrics.text import Token, stem, tokenize

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
    if not tokens:
        return None
    words = tuple(t.text for t in tokens)
    short = len(words) == 1 and (len(words[0]) <= 3 or any(ch.isdigit() or ch == "/" for ch in words[0]))
    exact_only = exact_only or short
    return Phrase(
        owner, form, words, tuple(t.stem for t in tokens), canonical,
        None if exact_only or not fuzzy or len(words) > MAX_FUZZY_TOKENS
        else fuzzy_threshold(" ".join(words)),
        not exact_only, prefix and len(words) == 1 and len(words[0]) >= 5,
    )


class _Candidates(NamedTuple):
    """The phrases that may start at a token, found from its text alone."""

    exact: tuple[Phrase, ...]  # first word equal (phrases matched exactly)
    stemmed: tuple[Phrase, ...]  # first stem equal
    prefixed: tuple[Phrase, ...]  # the token starts with the phrase


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
                           frozenset(p.words[0][0] for p in group))
                       for n, group in fuzzy.items()}
        # Word -> candidates (None: no phrase starts there). Answers share most of their words,
        # so after a few answers a token costs one dict look-up.
        self._candidates: dict[str, _Candidates | None] = {}
        self._near: dict[int, dict[str, tuple[Phrase, ...]]] = {n: {} for n in self._fuzzy}

    def _remember(self, words: set[str]) -> None:
        cache = self._candidates
        if len(cache) + len(words) > _MAX_CACHED_WORDS:
            cache.clear()
        for word in words:
            exact = tuple(self._by_word.get(word, ()))
            stemmed = tuple(self._by_stem.get(stem(word), ()))
            prefixed = tuple(p for p in self._prefixes.get(word[:4], ()) if word.startswith(p.words[0]))
            cache[word] = _Candidates(exact, stemmed, prefixed) if exact or stemmed or prefixed else None

    def find(self, tokens: list[Token], words: list[str] | None = None) -> list[Hit]:
        found: dict[tuple[int, int, int], tuple[Phrase, MatchKind]] = {}

        def add(phrase: Phrase, i: int, kind: MatchKind) -> None:
            key = (phrase.owner, i, i + len(phrase.words))
            if key not in found or _KIND_RANK[kind] < _KIND_RANK[found[key][1]]:
                found[key] = (phrase, kind)

        words = [t.text for t in tokens] if words is None else words
        cache = self._candidates
        unseen = {w for w in words if w not in cache}
        if unseen:
            self._remember(unseen)
        n_tokens = len(tokens)
        for i, candidates in enumerate(map(cache.__getitem__, words)):
            if candidates is None:
                continue
            for phrase in candidates.exact:
                n = len(phrase.words)
                if i + n <= n_tokens and all(words[i + k] == phrase.words[k] for k in range(1, n)):
                    add(phrase, i, "exact" if phrase.canonical else "synonym")
            for phrase in candidates.stemmed:
                n = len(phrase.words)
                if i + n <= n_tokens and all(tokens[i + k].stem == phrase.stems[k] for k in range(1, n)):
                    if not phrase.canonical:
                        add(phrase, i, "synonym")
                    elif all(words[i + k] == phrase.words[k] for k in range(n)):
                        add(phrase, i, "exact")
                    else:
                        add(phrase, i, "stem")
            for phrase in candidates.prefixed:
                add(phrase, i, "stem" if phrase.canonical else "synonym")
        if self._fuzzy:
            self._find_fuzzy(words, found, add)
        hits = [
            Hit(owner, phrase.form, kind, first, last, tokens[first].start, tokens[last - 1].end,
                is_negated(tokens, first))
            for (owner, first, last), (phrase, kind) in found.items()
        ]
        return _without_overlaps(hits)

    def _find_fuzzy(self, words: list[str], found: dict, add) -> None:
        for n, (group, forms, cutoff, initials) in self._fuzzy.items():
            # Every n-gram, then only the distinct ones whose first letter a phrase shares
            # (fuzzy matches keep the first letter); single words under 4 letters never match.
            grams = list(map(" ".join, zip(*(words[k:] for k in range(n)), strict=False))) if n > 1 else words
            keys = [g for g in dict.fromkeys(grams) if g[0] in initials and (n > 1 or len(g) >= 4)]
            near = self._near[n]
            unseen = [key for key in keys if key not in near]
            if unseen:
                self._compare(n, group, forms, cutoff, unseen)
            for key in keys:
                for phrase in near[key]:
                    for i in (i for i, gram in enumerate(grams) if gram == key):
                        if (phrase.owner, i, i + n) not in found:
                            add(phrase, i, "fuzzy")

    def _compare(self, n: int, group: list[Phrase], forms: list[str], cutoff: float, keys: list[str]) -> None:
        """Which phrases each n-gram nearly spells, remembered per n-gram: answers share most of theirs."""
        near = self._near[n]
        if len(near) + len(keys) > _MAX_CACHED_WORDS:
            near.clear()
        close: dict[str, list[Phrase]] = {key: [] for key in keys}
        scores = process.cdist(forms, keys, scorer=fuzz.ratio, score_cutoff=cutoff, workers=1)
        for row, col in zip(*np.nonzero(scores), strict=True):
            phrase, score, key = group[row], scores[row, col], keys[col]
            # 100 is the phrase itself, which the exact and stemmed passes already found.
            if score < 100 and score >= phrase.fuzzy_threshold and key[0] == phrase.words[0][0]:
                close[key].append(phrase)
        near.update((key, tuple(phrases)) for key, phrases in close.items())


def is_negated(tokens: list[Token], first: int) -> bool:
    """A negator within a few tokens before the match, in the same clause."""
    clause = tokens[first].clause
    for j in range(first - 1, max(-1, first - 1 - NEGATION_WINDOW), -1):
        token = tokens[j]
        if token.clause != clause:
            return False
        word = token.text
        if word in NEGATORS or word.endswith(("n't", "n’t")):
            following = tokens[j + 1].text if j + 1 < len(tokens) else ""
            if following not in _NOT_NEGATING_NEXT:
                return True
    return False


def _without_overlaps(hits: list[Hit]) -> list[Hit]:
    """Per owner, keep the longest, best-kind match where matches overlap."""
    hits.sort(key=lambda h: (h.owner, -(h.last - h.first), _KIND_RANK[h.kind], h.first))
    kept: list[Hit] = []
    taken: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for hit in hits:
        spans = taken[hit.owner]
        if any(hit.first < last and first < hit.last for first, last in spans):
            continue
        spans.append((hit.first, hit.last))
        kept.append(hit)
    kept.sort(key=lambda h: (h.start, h.owner))
    return kept
