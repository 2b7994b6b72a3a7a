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

from rubrics.text import Token, tokenize

MatchKind = Literal["exact", "stem", "fuzzy", "synonym"]
_KIND_RANK = {"exact": 0, "synonym": 1, "stem": 2, "fuzzy": 3}
NEGATORS = frozenset(
    {"no", "not", "never", "without", "none", "nor", "neither", "cannot", "lack", "lacked", "lacking",
     "skipped", "skip", "ignored", "nobody", "nothing", "instead"}
)
_NOT_NEGATING_NEXT = frozenset({"only", "just", "merely", "simply", "always"})
NEGATION_WINDOW = 4
MAX_FUZZY_TOKENS = 4


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

    def find(self, tokens: list[Token], grams: NGrams | None = None) -> list[Hit]:
        found: dict[tuple[int, int, int], tuple[Phrase, MatchKind]] = {}

        def add(phrase: Phrase, i: int, kind: MatchKind) -> None:
            key = (phrase.owner, i, i + len(phrase.words))
            if key not in found or _KIND_RANK[kind] < _KIND_RANK[found[key][1]]:
                found[key] = (phrase, kind)

        n_tokens = len(tokens)
        for i, token in enumerate(tokens):
            for phrase in self._by_word.get(token.text, ()):
                n = len(phrase.words)
                if i + n <= n_tokens and all(tokens[i + k].text == phrase.words[k] for k in range(n)):
                    add(phrase, i, "exact" if phrase.canonical else "synonym")
            for phrase in self._by_stem.get(token.stem, ()):
                n = len(phrase.words)
                if i + n <= n_tokens and all(tokens[i + k].stem == phrase.stems[k] for k in range(n)):
                    if not phrase.canonical:
                        add(phrase, i, "synonym")
                    elif all(tokens[i + k].text == phrase.words[k] for k in range(n)):
                        add(phrase, i, "exact")
                    else:
                        add(phrase, i, "stem")
            for phrase in self._prefixes.get(token.text[:4], ()):
                if token.text.startswith(phrase.words[0]):
                    add(phrase, i, "stem" if phrase.canonical else "synonym")
        if self._fuzzy:
            self._find_fuzzy(grams or NGrams(tokens), found, add)
        hits = [
            Hit(owner, phrase.form, kind, first, last, tokens[first].start, tokens[last - 1].end,
                is_negated(tokens, first))
            for (owner, first, last), (phrase, kind) in found.items()
        ]
        return _without_overlaps(hits)

    def _find_fuzzy(self, ngrams: NGrams, found: dict, add) -> None:
        for n, (group, forms, cutoff, initials) in self._fuzzy.items():
            grams = ngrams.of_length(n, initials)
            if not grams:
                continue
            keys = list(grams)
            scores = process.cdist(forms, keys, scorer=fuzz.ratio, score_cutoff=cutoff, workers=1)
            for row, col in zip(*np.nonzero(scores), strict=True):
                phrase = group[row]
                if scores[row, col] < phrase.fuzzy_threshold or keys[col][0] != phrase.words[0][0]:
                    continue
                for i in grams[keys[col]]:
                    if (phrase.owner, i, i + n) not in found:
                        add(phrase, i, "fuzzy")


class NGrams:
    """The answer's word n-grams (joined text -> start positions), built once per answer."""

    def __init__(self, tokens: list[Token]) -> None:
        self._words = [t.text for t in tokens]
        self._by_length: dict[tuple[int, frozenset[str]], dict[str, list[int]]] = {}

    def of_length(self, n: int, initials: frozenset[str]) -> dict[str, list[int]]:
        """N-grams whose first letter is among `initials` (fuzzy matches keep the first letter)."""
        key = (n, initials)
        grams = self._by_length.get(key)
        if grams is None:
            grams = defaultdict(list)
            words = self._words
            for i in range(len(words) - n + 1):
                word = words[i]
                if word[0] not in initials or (n == 1 and len(word) < 4):
                    continue
                grams[" ".join(words[i:i + n])].append(i)
            self._by_length[key] = grams
        return grams


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
