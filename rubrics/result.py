"""What a scored answer looks like: the score, its evidence with offsets, and feedback.

All offsets are character offsets into the original answer string (`answer[start:end]`).
"""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

_set = object.__setattr__
_ALL_FIELDS: dict[type, set[str]] = {}

MatchKind = Literal["exact", "stem", "fuzzy", "synonym"]
FlagKind = Literal["keyword_stuffing", "repeated_terms", "prompt_copy", "model_answer_copy", "near_duplicate"]


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)

    @classmethod
    def trusted(cls, **values: Any) -> Self:
        """Build from values the scorer computed itself, naming every field: no validation.

        What `model_construct` does, minus its per-field default and alias handling, which
        costs more than the scorer's own work when an answer yields a hundred pieces of evidence.
        """
        model = cls.__new__(cls)
        _set(model, "__dict__", values)
        # Every field is named, so instances of a class share one set (pydantic copies it before
        # changing it, and these models are frozen).
        fields = _ALL_FIELDS.get(cls)
        if fields is None:
            fields = _ALL_FIELDS[cls] = set(cls.model_fields)
        _set(model, "__pydantic_fields_set__", fields)
        _set(model, "__pydantic_extra__", None)
        _set(model, "__pydantic_private__", None)
        return model


class ConceptMatch(_Result):
    criterion_id: str
    concept: str = Field(description="canonical term of the concept")
    form: str = Field(description="the rubric phrase that matched")
    matched_text: str
    kind: MatchKind
    start: int
    end: int
    negated: bool = False
    in_sentence: bool = Field(description="inside a real sentence, not a bare list of terms")
    credit: float = Field(ge=0, le=1)


class StructureSegment(_Result):
    label: str = Field(description="a rubric section, or 'other'")
    start: int
    end: int
    probability: float = Field(ge=0, le=1)
    source: Literal["heading", "classifier", "cue"]


class SpecificitySignal(_Result):
    kind: Literal["number", "percentage", "money", "duration", "metric", "threshold", "tool_in_context",
                  "tool_name_only"]
    text: str
    start: int
    end: int


class IntegrityFlag(_Result):
    kind: FlagKind
    reason: str = Field(min_length=1)
    penalty: float = Field(ge=0, description="points taken off (out of 100)")
    start: int | None = None
    end: int | None = None


class PitfallHit(_Result):
    pitfall_id: str
    description: str
    penalty: int
    matched_text: str
    start: int
    end: int


class Evidence(_Result):
    concepts: list[ConceptMatch] = []
    structure: list[StructureSegment] = []
    specificity: list[SpecificitySignal] = []
    flags: list[IntegrityFlag] = []
    pitfalls: list[PitfallHit] = []


class CriterionScore(_Result):
    criterion_id: str
    name: str
    weight: float
    score: float = Field(ge=0, le=1, description="share of the criterion's concepts covered")
    required_hit: list[str] = []
    required_missed: list[str] = []
    bonus_hit: list[str] = []


class SignalScore(_Result):
    name: str
    value: float | None = Field(description="0-1; None when the signal could not run")
    weight: float
    detail: str = ""


class VagueClaim(_Result):
    text: str
    start: int
    end: int


class MissedConcepts(_Result):
    criterion_id: str
    criterion_name: str
    concepts: list[str]


class Feedback(_Result):
    missed_required: list[MissedConcepts] = []
    missing_sections: list[str] = []
    out_of_order: list[str] = []
    vague_claims: list[VagueClaim] = []
    pitfalls: list[str] = []
    flags: list[str] = []
    follow_up: str | None = None


class ScoreResult(_Result):
    score: float = Field(ge=0, le=100)
    band: int = Field(ge=1, le=5)
    scorer_version: str
    confidence: float = Field(ge=0, le=1)
    confidence_reason: str
    criteria: list[CriterionScore]
    signals: list[SignalScore]
    evidence: Evidence
    feedback: Feedback
