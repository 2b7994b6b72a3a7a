"""Closeness to the model (or reference) answer in wording.

A blend of features that track human grades on short answers (weights chosen on the
Mohler `train` split, see benchmarks/README.md). Words of the question are set aside
first: repeating the question shows nothing. It carries the weight in reference mode,
where the reference is all there is; in rubric mode it is reported but concepts decide.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from rubrics.signals.base import Findings, ScoringJob, Signal, register
from rubrics.text import tokenize

BLEND = {"token_set": 0.45, "soft_recall": 0.12, "recall": 0.05, "length": 0.23, "precision": 0.15}
SOFT_MATCH = 80  # rapidfuzz ratio at which two words count as the same
MIN_REFERENCE_WORDS = 5


@lru_cache(maxsize=4096)
def _content(text: str) -> tuple[frozenset[str], tuple[tuple[str, str], ...]]:
    """Content stems, and (word, stem) pairs of every token."""
    tokens = tokenize(text)
    stems = frozenset(t.stem for t in tokens if t.text not in ENGLISH_STOP_WORDS and len(t.text) > 1)
    return stems, tuple((t.text, t.stem) for t in tokens)


def _weighted_share(wanted: frozenset[str] | set[str], have: frozenset[str] | set[str], idf) -> float:
    total = sum(idf(s) for s in wanted)
    return sum(idf(s) for s in wanted if s in have) / total if total else 0.0


def features(answer_tokens, reference: str, question: str, idf) -> dict[str, float]:
    question_stems, _ = _content(question)
    reference_stems, reference_words = _content(reference)
    answer_stems = frozenset(
        t.stem for t in answer_tokens if t.text not in ENGLISH_STOP_WORDS and len(t.text) > 1
    )
    wanted = reference_stems - question_stems or reference_stems
    offered = answer_stems - question_stems
    soft = 0.0
    if wanted and answer_stems:
        best = process.cdist(sorted(wanted), sorted(answer_stems), scorer=fuzz.ratio, workers=1).max(axis=1)
        soft = float(np.mean(best >= SOFT_MATCH))
    answer_text = " ".join(t.text for t in answer_tokens if t.stem not in question_stems)
    reference_text = " ".join(w for w, s in reference_words if s not in question_stems)
    return {
        "token_set": fuzz.token_set_ratio(answer_text, reference_text) / 100,
        "soft_recall": soft,
        "recall": _weighted_share(reference_stems, answer_stems, idf),
        "length": min(1.0, len(answer_tokens) / max(MIN_REFERENCE_WORDS, len(reference_words))),
        "precision": _weighted_share(offered, reference_stems, idf) if offered else 0.0,
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
        found = features(job.tokens, reference, job.context.prompt, job.space.idf)
        value = sum(BLEND[name] * found[name] for name in BLEND)
        findings.record(job, self.name, value, ", ".join(f"{k} {v:.2f}" for k, v in found.items()))
