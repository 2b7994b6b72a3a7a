"""Deterministic, explainable scoring of written answers against rubrics (a pure library).

    from rubrics import Scorer, ScoringContext
    scorer = Scorer(corpus=bank_prompts_and_model_answers)
    result = scorer.score(rubric, answer, context=ScoringContext(prompt=..., model_answer=...))
    result.model_dump(mode="json")
"""

from rubrics.bands import BAND_FLOORS, band_for
from rubrics.context import ScoringContext
from rubrics.derive import derive_rubric
from rubrics.reference import ReferenceScorer, score_reference
from rubrics.result import ScoreResult
from rubrics.scorer import MAX_ANSWER_CHARS, SCORER_VERSION, Scorer, score
from rubrics.structure_model import heldout_accuracy

__all__ = [
    "BAND_FLOORS", "MAX_ANSWER_CHARS", "SCORER_VERSION", "ReferenceScorer", "ScoreResult", "Scorer",
    "ScoringContext", "band_for", "derive_rubric", "heldout_accuracy", "score", "score_reference",
]
