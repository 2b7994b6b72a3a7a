"""Word n-gram shingles: how much of one text is copied from another."""

from __future__ import annotations

from functools import lru_cache

from rubrics.text import Tokens, tokenize

SHINGLE = 5


Shingle = tuple[str, ...]


def shingles(words: list[str], n: int = SHINGLE) -> list[Shingle]:
    """Every run of n consecutive words, as tuples (hashed as they are, never joined into text)."""
    return list(zip(*(words[k:] for k in range(n)), strict=False))


@lru_cache(maxsize=4096)
def reference_shingles(text: str, n: int = SHINGLE) -> frozenset[Shingle]:
    return frozenset(shingles(tokenize(text).words, n))


def shared(answer_shingles: list[Shingle], reference: frozenset[Shingle]) -> list[bool]:
    """For each of the answer's shingles, whether the reference has it too."""
    return list(map(reference.__contains__, answer_shingles))


def containment(in_reference: list[bool]) -> float:
    """Share of the answer's shingles that also occur in the reference (`in_reference` from `shared`)."""
    return sum(in_reference) / len(in_reference) if in_reference else 0.0


def jaccard(a: set[Shingle] | frozenset[Shingle], b: set[Shingle] | frozenset[Shingle]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def longest_copied_run(tokens: Tokens, in_reference: list[bool], n: int = SHINGLE) -> tuple[int, int] | None:
    """Character span of the longest stretch of consecutive shared shingles, if any."""
    best, run_start, best_span = 0, None, None
    for i, value in enumerate([*in_reference, False]):
        if value:
            run_start = i if run_start is None else run_start
            continue
        if run_start is not None:
            length = i - run_start
            if length > best:
                best = length
                best_span = (tokens.starts[run_start], tokens.ends[i - 1 + n - 1])
            run_start = None
    return best_span
