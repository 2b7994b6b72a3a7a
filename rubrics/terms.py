"""Exact look-up of fixed multi-word names (metrics, tools) over an answer's tokens."""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from rubrics.patterns import METRIC_TERMS, TOOL_TERMS
from rubrics.text import Token, tokenize


class TermIndex:
    def __init__(self, terms: tuple[str, ...]) -> None:
        self._by_first: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for term in terms:
            words = tuple(t.text for t in tokenize(term))
            if words:
                self._by_first[words[0]].append(words)
        for candidates in self._by_first.values():
            candidates.sort(key=len, reverse=True)  # longest name first: "kubeflow pipelines"

    def find(self, tokens: list[Token]) -> list[tuple[int, int]]:
        """Character spans of non-overlapping matches, left to right."""
        spans = []
        i, n = 0, len(tokens)
        while i < n:
            for words in self._by_first.get(tokens[i].text, ()):
                k = len(words)
                if i + k <= n and all(tokens[i + j].text == words[j] for j in range(1, k)):
                    spans.append((tokens[i].start, tokens[i + k - 1].end))
                    i += k - 1
                    break
            i += 1
        return spans


@lru_cache(maxsize=1)
def metric_index() -> TermIndex:
    return TermIndex(METRIC_TERMS)


@lru_cache(maxsize=1)
def tool_index() -> TermIndex:
    return TermIndex(TOOL_TERMS)
