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


PROMPT, MODEL = 1, 2  # bits: where a shingle of the answer also occurs


@lru_cache(maxsize=4096)
def copy_sources(prompt: str, model_answer: str | None, n: int = SHINGLE) -> dict[Shingle, int]:
    """Shingle -> the sources it occurs in (PROMPT | MODEL bits): one look-up per answer shingle
    answers both questions."""
    sources = dict.fromkeys(reference_shingles(prompt, n), PROMPT)
    for shingle in reference_shingles(model_answer, n) if model_answer else ():
        sources[shingle] = sources.get(shingle, 0) | MODEL
    return sources


def containment(found: list[int | None], source: int) -> float:
    """Share of the answer's shingles that also occur in `source` (`found` maps each to its sources)."""
    both = PROMPT | MODEL
    return (found.count(source) + found.count(both)) / len(found) if found else 0.0


def in_source(found: list[int | None], source: int) -> list[bool]:
    return [bool(bits and bits & source) for bits in found]


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
