"""Phrase matching over tokens: exact, stemmed, fuzzy and prefix, negation-aware.

A `PhraseMatcher` is compiled once per rubric (see `compiled.py`). What can start at a word
(exact, stemmed, prefix and fuzzy candidates) and which words of the rubric's phrases it nearly
spells are worked out once per distinct word; rapidfuzz only ever sees words the matcher has not
met. An answer then costs a few C-level passes over its tokens plus a check at each token where
something can start.

A phrase matches fuzzily when the answer misspells it slightly: rapidfuzz's ratio of the answer's
words to the phrase is at or above a threshold that grows stricter for shorter phrases
(`fuzzy_threshold`), with the first letter kept. For a phrase of several words, all its words but
one must also be there with the phrase word's stem: one misspelt or different word, not several.
Such a match is found from the words that are there, so only a few places of an answer are ever
compared. A single word that is such a phrase's words run together ("InferenceService",
"featurestores", "training/serving") also matches it fuzzily, compared by stem with the phrase's
words joined, when the phrase is a way of writing the concept (its term or a synonym). A listed
misspelling is often a fragment ("air flow" for a concept whose term is "Airflow as a general
scheduler"), and run together it would be the bare name the rubric chose not to credit.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import compress, count, filterfalse, repeat
from operator import getitem, itemgetter
from typing import Literal, NamedTuple

import numpy as np
from rapidfuzz import fuzz, process
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as _STOP_WORDS

from rubrics.memo import WordMemo
from rubrics.text import Tokens, stem, stem_all, tokenize

MatchKind = Literal["exact", "stem", "fuzzy", "synonym"]
_KIND_RANK = {"exact": 0, "synonym": 1, "stem": 2, "fuzzy": 3}
NEGATORS = frozenset(
    {"no", "not", "never", "without", "none", "nor", "neither", "cannot", "lack", "lacked", "lacking",
     "skipped", "skip", "ignored", "nobody", "nothing", "instead"}
)
_NOT_NEGATING_NEXT = frozenset({"only", "just", "merely", "simply", "always"})
NEGATION_WINDOW = 4
MAX_FUZZY_TOKENS = 4
_FIRST_FOUR = slice(4)  # prefix phrases are keyed by their first four letters
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
    joinable: bool = False  # may also match as one word, its words run together (see the module's docstring)


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
                prefix: bool = False, fuzzy: bool = True, joinable: bool = False) -> Phrase | None:
    tokens = tokenize(form)
    if not len(tokens):
        return None
    words = tuple(tokens.words)
    short = len(words) == 1 and (len(words[0]) <= 3 or any(ch.isdigit() or ch == "/" for ch in words[0]))
    exact_only = exact_only or short
    threshold = None if exact_only or not fuzzy or len(words) > MAX_FUZZY_TOKENS else fuzzy_threshold(" ".join(words))
    return Phrase(
        owner, form, words, tuple(tokens.stems), canonical, threshold,
        not exact_only, prefix and len(words) == 1 and len(words[0]) >= 5,
        joinable and threshold is not None and len(words) > 1,
    )


class _Candidates(NamedTuple):
    """The phrases that may start at a token, found from its text alone, ready to check against what follows."""

    exact: tuple[tuple[Phrase, int, list[str], MatchKind], ...]  # first word equal: (phrase, length, rest, kind)
    stemmed: tuple[tuple[Phrase, int, list[str], list[str]], ...]  # first stem equal: (.., rest stems, words)
    prefixed: tuple[tuple[Phrase, MatchKind], ...]  # the token starts with the phrase
    fuzzy: tuple[Phrase, ...]  # one-word phrases the token nearly spells
    # Longer fuzzy phrases with a word of the token's stem: (phrase, its length, that word's place in it)
    multi: tuple[tuple[Phrase, int, int], ...]
    joined: tuple[Phrase, ...]  # longer fuzzy phrases the token spells with their words run together


class PhraseMatcher:
    def __init__(self, phrases: list[Phrase]) -> None:
        self._by_word: dict[str, list[Phrase]] = defaultdict(list)
        self._by_stem: dict[str, list[Phrase]] = defaultdict(list)
        self._prefixes: dict[str, list[Phrase]] = defaultdict(list)  # keyed by the first 4 letters
        for phrase in phrases:
            if phrase.prefix:
                self._prefixes[phrase.words[0][:4]].append(phrase)
        one_word: list[Phrase] = []
        # Longer fuzzy phrases by the stems of two of their words (`_anchors`), with that word's place.
        self._multi: dict[str, list[tuple[Phrase, int]]] = defaultdict(list)
        # ... and by the stem of their words run together (`joinable` phrases only).
        self._joined: dict[str, list[Phrase]] = defaultdict(list)
        for phrase in phrases:
            # Stemmed phrases are found through their stems (an exact match has equal stems too).
            if phrase.stemmed:
                self._by_stem[phrase.stems[0]].append(phrase)
            else:
                self._by_word[phrase.words[0]].append(phrase)
            if phrase.fuzzy_threshold is not None:
                if len(phrase.words) == 1:
                    one_word.append(phrase)
                else:
                    for place in _anchors(phrase):
                        self._multi[phrase.stems[place]].append((phrase, place))
                    if phrase.joinable:
                        self._joined[stem("".join(phrase.words))].append(phrase)
        # A word's near misses of one-word phrases are a property of the word: found with its candidates.
        self._fuzzy_words = (one_word, [p.words[0] for p in one_word], [p.fuzzy_threshold for p in one_word],
                             _starts_near_miss(frozenset(p.words[0][0] for p in one_word))) if one_word else None
        self._stem_keys = frozenset(self._by_stem).union(self._multi, self._joined)
        # Word -> candidates (None: no phrase starts there). Answers share most of their words,
        # so after a few answers a token costs one dict look-up.
        self._candidates: dict[str, _Candidates | None] = {}

    def _remember(self, words: set[str]) -> None:
        cache = self._candidates
        if len(cache) + len(words) > _MAX_CACHED_WORDS:
            cache.clear()
        near: dict[str, tuple[Phrase, ...]] = {}
        if self._fuzzy_words is not None:
            group, forms, thresholds, may_start = self._fuzzy_words
            keys = list(filter(may_start, words))
            if keys:
                close = _close(forms, thresholds, keys)
                near = {keys[col]: tuple(group[row] for row in rows) for col, rows in close.items()}
        starting, joined_stems = self._starting(words, near)
        cache.update(dict.fromkeys(words.difference(starting)))
        for word in starting:
            cache[word] = self._candidates_of(word, near.get(word, ()), joined_stems.get(word))

    def _starting(self, words: set[str], near: dict[str, tuple[Phrase, ...]]) -> tuple[set[str], dict[str, str]]:
        """The words some phrase may start at, found with C-level passes over the words and their stems
        (most words start nothing); and the stems of slashed words run together ("training/serving")."""
        listed = list(words)
        starting = set(filter(self._by_word.__contains__, listed))
        starting.update(compress(listed, map(self._stem_keys.__contains__, stem_all(listed))))
        starting.update(compress(listed, map(self._prefixes.__contains__, map(getitem, listed, repeat(_FIRST_FOUR)))))
        starting.update(near)
        slashed = [word for word in listed if "/" in word]
        joined_stems = dict(zip(slashed, stem_all([word.replace("/", "") for word in slashed]), strict=True))
        starting.update(compress(slashed, map(self._joined.__contains__, joined_stems.values())))
        return starting, joined_stems

    def _candidates_of(self, word: str, fuzzy: tuple[Phrase, ...], joined_stem: str | None) -> _Candidates | None:
        """What may start at the word (None: nothing); `fuzzy` are the one-word phrases it nearly spells,
        `joined_stem` the stem of a slashed word run together."""
        by_word, by_stem, prefixes, multi_by_stem, by_joined = (
            self._by_word, self._by_stem, self._prefixes, self._multi, self._joined)
        word_stem = stem(word)
        joined_stem = joined_stem or word_stem
        exact = tuple((p, len(p.words), list(p.words[1:]), "exact" if p.canonical else "synonym")
                      for p in by_word[word]) if word in by_word else ()
        stemmed = tuple((p, len(p.words), list(p.stems[1:]), list(p.words))
                        for p in by_stem[word_stem]) if word_stem in by_stem else ()
        prefixed = tuple((p, "stem" if p.canonical else "synonym") for p in prefixes[word[:4]]
                         if word.startswith(p.words[0])) if word[:4] in prefixes else ()
        multi = tuple((p, len(p.words), place)
                      for p, place in multi_by_stem[word_stem]) if word_stem in multi_by_stem else ()
        joined = tuple(p for p in by_joined[joined_stem] if p.words[0][0] == word[0]) \
            if joined_stem in by_joined else ()
        if exact or stemmed or prefixed or fuzzy or multi or joined:
            return _Candidates(exact, stemmed, prefixed, fuzzy, multi, joined)
        return None

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
        tried: set[tuple[int, int]] = set()
        for i in compress(count(), candidates):
            exact, stemmed, prefixed, fuzzy, multi, joined = candidates[i]
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
            for phrase, n, place in multi:
                first = i - place  # where the phrase would start, given this word's place in it
                if first < 0 or first + n > len(words) or (id(phrase), first) in tried:
                    continue
                tried.add((id(phrase), first))
                if (phrase.owner, first, first + n) not in found and _one_word_off(phrase, words, stems, first):
                    add(phrase, first, n, "fuzzy")
            for phrase in joined:
                add(phrase, i, 1, "fuzzy")
        starts, ends = tokens.starts, tokens.ends
        negation = any(map(_NEGATING.__getitem__, words))  # most answers have no negator at all
        hits = [
            Hit(owner, phrase.form, kind, first, last, starts[first], ends[last - 1],
                negation and is_negated(tokens, first))
            for (owner, first, last), (phrase, kind) in found.items()
        ]
        return _without_overlaps(hits)


def _close(forms: list[str], thresholds: list[float], texts: list[str]) -> dict[int, list[int]]:
    """For each text (by index) that nearly spells some forms, those forms (by index): rapidfuzz's ratio
    at or above the form's threshold, the first letter kept. 100 is the form itself, which the exact
    and stemmed passes find."""
    close: dict[int, list[int]] = defaultdict(list)
    scores = process.cdist(forms, texts, scorer=fuzz.ratio, score_cutoff=min(thresholds), workers=1)
    for row, col in zip(*np.nonzero(scores), strict=True):
        score = scores[row, col]
        if thresholds[row] <= score < 100 and texts[col][0] == forms[row][0]:
            close[col].append(row)
    return close


def _anchors(phrase: Phrase) -> tuple[int, ...]:
    """Places of two words of the phrase, the least common-looking (stop words last, then shorter
    words): with only one word off, at least one of any two is there, so a match is found from them."""
    places = sorted(range(len(phrase.words)), key=lambda i: (phrase.words[i] in _STOP_WORDS, -len(phrase.words[i])))
    return tuple(places[:2])


def _one_word_off(phrase: Phrase, words: list[str], stems: list[str], first: int) -> bool:
    """Whether the phrase's words from `first` on are all there with its stems but one, and the
    whole nearly spells it (see the module's docstring)."""
    if words[first][0] != phrase.words[0][0]:
        return False
    n = len(phrase.words)
    if sum(map(str.__ne__, stems[first:first + n], phrase.stems)) != 1:
        return False
    return phrase.fuzzy_threshold <= fuzz.ratio(" ".join(words[first:first + n]), " ".join(phrase.words)) < 100


def _starts_near_miss(initials: frozenset[str]) -> Callable[[str], object]:
    """Whether a word may nearly spell a one-word phrase: fuzzy matches keep the first letter, and
    words under 4 letters never match. A regex match, so that filtering new words runs in C."""
    return re.compile(f"[{''.join(map(re.escape, sorted(initials)))}].{{3}}", re.DOTALL).match


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
