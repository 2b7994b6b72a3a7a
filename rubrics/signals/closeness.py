"""Closeness to the model (or reference) answer in wording.

A blend of features that track human grades on short answers (weights chosen on the
Mohler `train` split, see benchmarks/README.md). Words of the question are set aside
first: repeating the question shows nothing. It carries the weight in reference mode,
where the reference is all there is; in rubric mode it is reported but concepts decide.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import compress, filterfalse
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from rubrics.memo import WordMemo
from rubrics.signals.base import Findings, ScoringJob, Signal, register
from rubrics.similarity import TextSpace
from rubrics.text import tokenize

BLEND = {"token_set": 0.45, "soft_recall": 0.12, "recall": 0.05, "length": 0.23, "precision": 0.15}
SOFT_MATCH = 80  # rapidfuzz ratio at which two words count as the same
MIN_REFERENCE_WORDS = 5


@lru_cache(maxsize=4096)
def _content(text: str) -> tuple[frozenset[str], tuple[tuple[str, str], ...]]:
    """Content stems, and (word, stem) pairs of every token."""
    tokens = tokenize(text)
    stems = frozenset(t.stem for t in tokens if t.text not in ENGLISH_STOP_WORDS and len(t.text) > 1)
    return stems, tuple(zip(tokens.words, tokens.stems, strict=True))


def _weighted_share(wanted: frozenset[str] | set[str], have: frozenset[str] | set[str], space: TextSpace) -> float:
    total = space.idf_sum(wanted)
    return space.idf_sum(filter(have.__contains__, wanted)) / total if total else 0.0


def _is_content(word: str) -> bool:
    return len(word) > 1 and word not in ENGLISH_STOP_WORDS


_CONTENT: WordMemo[bool] = WordMemo(_is_content, limit=100_000)


class _Reference(NamedTuple):
    """What closeness needs of a reference and its question, the same for every answer."""

    question_stems: frozenset[str]
    stems: frozenset[str]
    length: int  # tokens
    wanted: list[str]  # content stems not in the question (all of them if the question has them all)
    words: frozenset[str]  # words whose stem is not in the question
    sorted_words: list[str]


@lru_cache(maxsize=4096)
def _reference(reference: str, question: str) -> _Reference:
    question_stems, _ = _content(question)
    reference_stems, reference_words = _content(reference)
    wanted = sorted(reference_stems - question_stems or reference_stems)
    words = frozenset(w for w, s in reference_words if s not in question_stems)
    return _Reference(question_stems, reference_stems, len(reference_words), wanted, words, sorted(words))


def _token_set_ratio(answer: set[str], reference: _Reference) -> float:
    """rapidfuzz's `token_set_ratio` of two texts, given as their sets of words, the reference's sorted
    once: rapidfuzz would split and sort the long reference again for every answer."""
    if not answer or not reference.words:
        return 0.0
    common = answer & reference.words
    only_answer = sorted(answer - reference.words)
    only_reference = list(filterfalse(answer.__contains__, reference.sorted_words))
    if common and (not only_answer or not only_reference):
        return 100.0  # one is part of the other
    ab, ba = " ".join(only_answer), " ".join(only_reference)
    # Lengths of "common ab" and "common ba" (the words joined by spaces) without building them.
    common_length = sum(map(len, common)) + len(common) - 1 if common else 0
    gap = common_length != 0
    with_ab, with_ba = common_length + gap + len(ab), common_length + gap + len(ba)
    result = 100 - 100 * Indel.distance(ab, ba) / (with_ab + with_ba) if with_ab + with_ba else 100.0
    if not common_length:
        return result
    # "common" against "common ab": they differ only by ab, so the distance is its length plus a space.
    return max(result, 100 - 100 * (gap + len(ab)) / (common_length + with_ab),
               100 - 100 * (gap + len(ba)) / (common_length + with_ba))


def features(answer_words: list[str], answer_stems: list[str], reference: str, question: str,
             space: TextSpace) -> dict[str, float]:
    """`answer_stems` are the stems of `answer_words` (`Tokens.stems`)."""
    ref = _reference(reference, question)
    question_stems, wanted = ref.question_stems, ref.wanted
    # Distinct words first (in order of first use), with their stems: an answer repeats most of its words.
    stem_of = dict(zip(answer_words, answer_stems, strict=True))
    content = frozenset(compress(stem_of.values(), map(_CONTENT.__getitem__, stem_of)))
    offered = content - question_stems
    soft = 0.0
    if wanted and content:
        # A wanted stem the answer uses as is counts at once (ratio 100); only the others are
        # compared with every answer stem. The order of comparison does not change a maximum.
        missing = list(filterfalse(content.__contains__, wanted))
        near = 0
        if missing:
            # ufuncs rather than ndarray.max, whose Python-level wrapper costs more than the work.
            # Scores under SOFT_MATCH come back as 0 (rapidfuzz skips those pairs early): only the count above matters.
            best = np.maximum.reduce(process.cdist(missing, list(content), scorer=fuzz.ratio,
                                                   score_cutoff=SOFT_MATCH, workers=1), axis=1)
            near = int(np.count_nonzero(best >= SOFT_MATCH))
        soft = (len(wanted) - len(missing) + near) / len(wanted)
    kept = {word for word, stem in stem_of.items() if stem not in question_stems}
    return {
        "token_set": _token_set_ratio(kept, ref) / 100,
        "soft_recall": soft,
        "recall": _weighted_share(ref.stems, content, space),
        "length": min(1.0, len(answer_words) / max(MIN_REFERENCE_WORDS, ref.length)),
        "precision": _weighted_share(offered, ref.stems, space) if offered else 0.0,
    }


@register
class Closeness(Signal):
    name = "closeness"
    order = 50

    def run(self, job: ScoringJob, findings: Findings) -> None:
        reference = job.context.model_answer
        if not reference:
            findings.record(job, self.name, None, "no model answer to compare with")
            return
        found = features(job.words, job.tokens.stems, reference, job.context.prompt, job.space)
        value = sum(BLEND[name] * found[name] for name in BLEND)
        findings.record(job, self.name, value, ", ".join(f"{k} {v:.2f}" for k, v in found.items()))
