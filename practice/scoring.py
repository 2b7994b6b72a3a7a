"""Scoring answers to bank questions, and to bare question + reference pairs.

One scorer per process, fitted on the live bank's prompts and model answers
(its relevance space); refitted when the bank's content version changes.
"""

from __future__ import annotations

import threading

from prodready.settings import Settings
from question_bank.catalog import Catalog, CatalogEntry
from rubrics.context import ScoringContext
from rubrics.llm_config import LLMRaterConfig, SecondRating
from rubrics.llm_rater import LLMRater
from rubrics.result import ScoreResult
from rubrics.scorer import SCORER_VERSION, Scorer

__all__ = ["SCORER_VERSION", "ScoringService"]


def bank_corpus(catalog: Catalog) -> list[str]:
    return [text for q in catalog.questions() for text in (q.prompt, q.model_answer)]


def second_rater_from(settings: Settings) -> LLMRater | None:
    """The optional LLM second rater, when an endpoint is configured."""
    if not settings.llm_base_url:
        return None
    config = LLMRaterConfig(
        enabled=True, base_url=settings.llm_base_url, model=settings.llm_model, api_key=settings.llm_api_key,
        timeout_seconds=settings.llm_timeout_seconds, disagreement_margin=settings.llm_disagreement_margin,
    )
    return LLMRater(config)


class ScoringService:
    def __init__(self, second_rater: LLMRater | None = None) -> None:
        self.second_rater = second_rater
        self._scorer: Scorer | None = None
        self._fitted_on: str | None = None
        self._lock = threading.Lock()

    @property
    def version(self) -> str:
        return SCORER_VERSION

    def scorer(self, catalog: Catalog) -> Scorer:
        key = catalog.content_version or "empty"
        scorer = self._scorer
        if scorer is not None and self._fitted_on == key:
            return scorer
        with self._lock:
            if self._scorer is None or self._fitted_on != key:
                self._scorer = Scorer(bank_corpus(catalog))
                self._fitted_on = key
            return self._scorer

    def score_entry(self, catalog: Catalog, entry: CatalogEntry, answer: str,
                    other_answers: tuple[str, ...] = ()) -> ScoreResult:
        question = entry.question
        context = ScoringContext(prompt=question.prompt, model_answer=question.model_answer,
                                 other_answers=other_answers)
        return self.scorer(catalog).score(question.rubric, answer, context=context)

    def second_opinion(self, entry: CatalogEntry, answer: str, result: ScoreResult) -> SecondRating | None:
        """The LLM's rating, or None when no second rater is configured. Never raises."""
        if self.second_rater is None:
            return None
        question = entry.question
        return self.second_rater.rate(question.prompt, question.rubric, answer, result.score)

    def score_reference(self, catalog: Catalog, question: str, reference: str, answer: str) -> ScoreResult:
        """Reference mode: no hand-written rubric; concepts are derived from the reference answer."""
        return self.scorer(catalog).score_reference(question, reference, answer)
