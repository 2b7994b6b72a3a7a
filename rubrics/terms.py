"""Exact look-up of fixed multi-word names (metrics, tools) over an answer's tokens."""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from itertools import compress, count

from rubrics.patterns import METRIC_TERMS, TOOL_TERMS
from rubrics.text import Tokens, tokenize


class TermIndex:
    def __init__(self, terms: tuple[str, ...]) -> None:
        self._by_first: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for term in terms:
            words = tuple(tokenize(term).words)
            if words:
                self._by_first[words[0]].append(words)
        for candidates in self._by_first.values():
            candidates.sort(key=len, reverse=True)  # longest name first: "kubeflow pipelines"

    def find(self, tokens: Tokens) -> list[tuple[int, int]]:
        """Character spans of non-overlapping matches, left to right."""
        words, starts, ends = tokens.words, tokens.starts, tokens.ends
        by_first = self._by_first
        spans = []
        n, resume = len(words), 0
        for i in compress(count(), map(by_first.__contains__, words)):  # only where a name can start
            if i < resume:
                continue
            for name in by_first[words[i]]:
                k = len(name)
                if i + k <= n and all(words[i + j] == name[j] for j in range(1, k)):
                    spans.append((starts[i], ends[i + k - 1]))
                    resume = i + k
                    break
        return spans


@lru_cache(maxsize=1)
def metric_index() -> TermIndex:
    return TermIndex(METRIC_TERMS)


@lru_cache(maxsize=1)
def tool_index() -> TermIndex:
    return TermIndex(TOOL_TERMS)
