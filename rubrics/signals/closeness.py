"""Closeness to the model (or reference) answer in wording.

A blend of features that track human grades on short answers (weights chosen on the
Mohler `train` split, see benchmarks/README.md). Words of the question are set aside
first: repeating the question shows nothing. It carries the weight in reference mode,
where the reference is all there is; in rubric mode it is reported but concepts decide.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import compress, filterfalse

import numpy as np
from rapidfuzz import fuzz, process
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from rubrics.memo import WordMemo
from rubrics.signals.base import Findings, ScoringJob, Signal, register
from rubrics.similarity import TextSpace
from rubrics.text import stem_all, tokenize

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


@lru_cache(maxsize=4096)
def _reference(reference: str, question: str) -> tuple[frozenset[str], frozenset[str], int, list[str], str]:
    """What closeness needs of a reference and its question, the same for every answer."""
    question_stems, _ = _content(question)
    reference_stems, reference_words = _content(reference)
    wanted = reference_stems - question_stems or reference_stems
    reference_text = " ".join(w for w, s in reference_words if s not in question_stems)
    return question_stems, reference_stems, len(reference_words), sorted(wanted), reference_text


def features(answer_words: list[str], reference: str, question: str, space: TextSpace) -> dict[str, float]:
    question_stems, reference_stems, reference_length, wanted, reference_text = _reference(reference, question)
    # Distinct words first (in order of first use): an answer repeats most of its words.
    distinct = list(dict.fromkeys(answer_words))
    distinct_stems = stem_all(distinct)
    answer_stems = frozenset(compress(distinct_stems, map(_CONTENT.__getitem__, distinct)))
    offered = answer_stems - question_stems
    soft = 0.0
    if wanted and answer_stems:
        # A wanted stem the answer uses as is counts at once (ratio 100); only the others are
        # compared with every answer stem. The order of comparison does not change a maximum.
        missing = [stem for stem in wanted if stem not in answer_stems]
        near = 0
        if missing:
            # ufuncs rather than ndarray.max, whose Python-level wrapper costs more than the work
            # Scores under SOFT_MATCH come back as 0 (rapidfuzz skips those pairs early): only the count above matters.
            best = np.maximum.reduce(process.cdist(missing, list(answer_stems), scorer=fuzz.ratio,
                                                   score_cutoff=SOFT_MATCH, workers=1), axis=1)
            near = int(np.count_nonzero(best >= SOFT_MATCH))
        soft = (len(wanted) - len(missing) + near) / len(wanted)
    from_question = set(compress(distinct, map(question_stems.__contains__, distinct_stems)))
    answer_text = " ".join(filterfalse(from_question.__contains__, answer_words))
    return {
        "token_set": fuzz.token_set_ratio(answer_text, reference_text) / 100,
        "soft_recall": soft,
        "recall": _weighted_share(reference_stems, answer_stems, space),
        "length": min(1.0, len(answer_words) / max(MIN_REFERENCE_WORDS, reference_length)),
        "precision": _weighted_share(offered, reference_stems, space) if offered else 0.0,
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
        found = features(job.words, reference, job.context.prompt, job.space)
        value = sum(BLEND[name] * found[name] for name in BLEND)
        findings.record(job, self.name, value, ", ".join(f"{k} {v:.2f}" for k, v in found.items()))
