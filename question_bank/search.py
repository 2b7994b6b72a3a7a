"""Filtering and typo-tolerant text search over questions; the questions API calls this.

A query is split into words; each word is compared with the words of a
question's title, tags and prompt with rapidfuzz, so "canery rollout" finds
canary questions. A question matches when at least half of the query's words
match some word of it well; junk queries therefore return nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from question_bank.schema import Question

WORD_MATCH = 80.0  # rapidfuzz ratio for a query word to count as found ("canery" ~ "canary" is 83)
_SHORT = 3  # words this short only match exactly: fuzzy matching "api" finds "ai", "app"...
_FIELD_WEIGHTS = (("title", 1.0), ("tags", 1.0), ("prompt", 0.85))  # rank title and tag hits first
_WORD = re.compile(r"[a-z0-9]+(?:/[a-z0-9]+)*")
_STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "do", "does", "for", "from", "how", "i", "in", "is",
    "it", "of", "on", "or", "the", "to", "what", "when", "where", "which", "who", "why", "with", "you",
    "your",
})


@dataclass(frozen=True)
class SearchHit:
    question: Question
    score: float  # 0-100; 100 when there is no text query


@dataclass(frozen=True)
class SearchPage:
    items: list[SearchHit]
    total: int  # matches before pagination
    limit: int
    offset: int


@lru_cache(maxsize=8192)
def _words(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_WORD.findall(text.casefold().replace("-", " "))))


def query_words(query: str) -> tuple[str, ...]:
    return tuple(word for word in _words(query) if word not in _STOPWORDS)


def _word_score(word: str, candidates: tuple[str, ...]) -> float:
    if not candidates:
        return 0.0
    if len(word) <= _SHORT:
        return 100.0 if word in candidates else 0.0
    best = process.extractOne(word, candidates, scorer=fuzz.ratio)
    return float(best[1]) if best else 0.0


def text_score(question: Question, words: tuple[str, ...]) -> float | None:
    """Mean weighted word score, or None when fewer than half of the words are found."""
    fields = {"title": _words(question.title), "tags": _words(" ".join(question.tags)),
              "prompt": _words(question.prompt)}
    found, total = 0, 0.0
    for word in words:
        scores = [(_word_score(word, fields[name]), weight) for name, weight in _FIELD_WEIGHTS]
        if max(score for score, _ in scores) >= WORD_MATCH:
            found += 1
            total += max(score * weight for score, weight in scores)
    if found * 2 < len(words):
        return None
    return total / len(words)


def search_questions(
    questions: Iterable[Question],
    *,
    stage: str | None = None,
    level: str | None = None,
    kind: str | None = None,
    tag: str | None = None,
    query: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchPage:
    """Questions that pass every given filter, best text match first (by id without a query)."""
    if limit < 1 or offset < 0:
        raise ValueError("limit must be at least 1 and offset at least 0")
    wanted_tag = tag.strip().casefold() if tag else None
    words = query_words(query) if query else ()
    if query and query.strip() and not words:
        return SearchPage([], 0, limit, offset)  # stop words only: nothing, rather than everything
    hits: list[SearchHit] = []
    for question in questions:
        if (stage and stage not in question.stages) or (level and question.level != level):
            continue
        if (kind and question.kind != kind) or (wanted_tag and wanted_tag not in question.tags):
            continue
        score = text_score(question, words) if words else 100.0
        if score is not None:
            hits.append(SearchHit(question, round(score, 1)))
    hits.sort(key=lambda hit: (-hit.score, hit.question.id))
    return SearchPage(hits[offset : offset + limit], len(hits), limit, offset)
