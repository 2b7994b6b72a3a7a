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


def containment(answer_shingles: list[Shingle], reference: frozenset[Shingle]) -> float:
    """Share of the answer's shingles that also occur in the reference."""
    if not answer_shingles:
        return 0.0
    return sum(map(reference.__contains__, answer_shingles)) / len(answer_shingles)


def jaccard(a: set[Shingle] | frozenset[Shingle], b: set[Shingle] | frozenset[Shingle]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def longest_copied_run(tokens: Tokens, answer_shingles: list[Shingle], reference: frozenset[Shingle],
                       n: int = SHINGLE) -> tuple[int, int] | None:
    """Character span of the longest stretch of consecutive shared shingles, if any."""
    best, run_start, best_span = 0, None, None
    for i, value in enumerate([*answer_shingles, None]):
        if value is not None and value in reference:
            run_start = i if run_start is None else run_start
            continue
        if run_start is not None:
            length = i - run_start
            if length > best:
                best = length
                best_span = (tokens.starts[run_start], tokens.ends[i - 1 + n - 1])
            run_start = None
    return best_span
