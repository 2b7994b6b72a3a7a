"""What the feedback panel shows, from a stored attempt's ScoreResult and its question."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from practice.models import Attempt
from question_bank.schema import Question
from rubrics.schema import SECTION_TITLES
from web.highlight import highlight_answer

STAR_SECTIONS = ("situation", "task", "action", "result")


@dataclass(frozen=True)
class SectionState:
    title: str
    state: str  # present, missing or out-of-order


@dataclass(frozen=True)
class FeedbackView:
    score: int
    band: int
    band_description: str
    highlighted: Markup
    missed_required: list[dict[str, Any]]
    structure_map: list[SectionState]
    pitfalls: list[dict[str, Any]]
    vague_claims: list[str]
    flags: list[dict[str, Any]]
    follow_up: str | None
    criteria: list[dict[str, Any]]
    confidence_reason: str
    model_answer: str | None = None
    bands: dict[int, str] = field(default_factory=dict)


def _structure_map(question: Question | None, feedback: dict[str, Any]) -> list[SectionState]:
    if question is None:
        return []
    structure = question.rubric.structure
    sections = list(structure.sections) or (list(STAR_SECTIONS) if structure.kind == "star" else [])
    missing, late = set(feedback.get("missing_sections", [])), set(feedback.get("out_of_order", []))
    states = []
    for section in sections:
        title = SECTION_TITLES.get(section, section)
        state = "missing" if title in missing or section in missing else (
            "out-of-order" if title in late or section in late else "present")
        states.append(SectionState(title, state))
    return states


def feedback_view(attempt: Attempt, question: Question | None) -> FeedbackView:
    result = attempt.result
    feedback, evidence = result.get("feedback", {}), result.get("evidence", {})
    return FeedbackView(
        score=round(attempt.score), band=attempt.band,
        band_description=question.rubric.bands.describe(attempt.band) if question else "",
        highlighted=highlight_answer(attempt.answer, evidence, feedback.get("vague_claims", [])),
        missed_required=feedback.get("missed_required", []),
        structure_map=_structure_map(question, feedback),
        pitfalls=evidence.get("pitfalls", []),
        vague_claims=[claim.get("text", "") for claim in feedback.get("vague_claims", [])],
        flags=evidence.get("flags", []),
        follow_up=feedback.get("follow_up"),
        criteria=result.get("criteria", []),
        confidence_reason=result.get("confidence_reason", ""),
        # Practice reveals the model answer and the bands once the question has been answered.
        model_answer=question.model_answer if question else None,
        bands=question.rubric.bands.as_dict() if question else {},
    )
