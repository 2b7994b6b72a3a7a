"""Reference mode scoring: a bare question and reference answer instead of a hand-written rubric."""

from __future__ import annotations

from collections.abc import Iterable

from rubrics.result import ScoreResult
from rubrics.scorer import SCORER_VERSION, Scorer


class ReferenceScorer:
    """Scores answers against bare reference answers; a thin wrapper over `Scorer.score_reference`."""

    def __init__(self, corpus: Iterable[str] = (), *, version: str = SCORER_VERSION) -> None:
        self.scorer = Scorer(corpus, version=version)

    def score(self, question: str, reference: str, answer: str) -> ScoreResult:
        return self.scorer.score_reference(question, reference, answer)


def score_reference(question: str, reference: str, answer: str,
                    corpus: Iterable[str] | None = None) -> ScoreResult:
    """Convenience: the corpus defaults to the question and reference themselves."""
    documents = corpus if corpus is not None else (question, reference)
    return ReferenceScorer(documents).score(question, reference, answer)
