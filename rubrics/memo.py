"""A per-word memo: answers share most of their words, so per-word work is done once per process."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class WordMemo(dict[str, Value], Generic[Value]):
    """word -> compute(word), computed on first look-up (`memo[word]`, or `map(memo.__getitem__, words)`,
    which stays in C for words already seen). Cleared when it reaches `limit`: a vocabulary is small,
    so a full memo means unusual input, and starting over bounds the memory."""

    def __init__(self, compute: Callable[[str], Value], limit: int) -> None:
        super().__init__()
        self._compute = compute
        self._limit = limit

    def __missing__(self, word: str) -> Value:
        if len(self) >= self._limit:
            self.clear()
        value = self[word] = self._compute(word)
        return value
