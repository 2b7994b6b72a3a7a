"""Deterministic, explainable scoring of written answers against rubrics (a pure library).

    from rubrics import Scorer, ScoringContext
    scorer = Scorer(corpus=bank_prompts_and_model_answers)
    result = scorer.score(rubric, answer, context=ScoringContext(prompt=..., model_answer=...))
    result.model_dump(mode="json")

Names are imported on first use: `rubrics.schema` (what the question bank needs to load) must not
pull in scikit-learn, which takes seconds to import and every command line start would pay for.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "BAND_FLOORS": "rubrics.bands", "band_for": "rubrics.bands",
    "ScoringContext": "rubrics.context",
    "derive_rubric": "rubrics.derive",
    "ReferenceScorer": "rubrics.reference", "score_reference": "rubrics.reference",
    "ScoreResult": "rubrics.result",
    "MAX_ANSWER_CHARS": "rubrics.scorer", "SCORER_VERSION": "rubrics.scorer", "Scorer": "rubrics.scorer",
    "score": "rubrics.scorer",
    "heldout_accuracy": "rubrics.structure_model",
}
__all__ = [
    "BAND_FLOORS", "MAX_ANSWER_CHARS", "SCORER_VERSION", "ReferenceScorer", "ScoreResult", "Scorer",
    "ScoringContext", "band_for", "derive_rubric", "heldout_accuracy", "score", "score_reference",
]

if TYPE_CHECKING:
    from rubrics.bands import BAND_FLOORS, band_for
    from rubrics.context import ScoringContext
    from rubrics.derive import derive_rubric
    from rubrics.reference import ReferenceScorer, score_reference
    from rubrics.result import ScoreResult
    from rubrics.scorer import MAX_ANSWER_CHARS, SCORER_VERSION, Scorer, score
    from rubrics.structure_model import heldout_accuracy


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'rubrics' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value
