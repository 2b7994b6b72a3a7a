"""The rubric format: what a question's answer is judged against.

This is the contract between the question bank (content) and the scorer.
It is pure pydantic: the scorer can be used without a database or a web
framework, and the bank embeds these models in its question files.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

STAR_SECTIONS: tuple[str, ...] = ("situation", "task", "action", "result")

# Framework sections a technical or case answer can be organised by. The
# structure classifier is trained on sentences labelled with exactly these
# labels (plus the STAR ones and "other"), so a rubric may only use them.
FRAMEWORK_SECTIONS: tuple[str, ...] = (
    "requirements",
    "approach",
    "deployment",
    "monitoring",
    "retraining",
    "evaluation",
    "cost",
    "risks",
    "tradeoffs",
    "recommendation",
)

SECTION_TITLES: dict[str, str] = {
    "situation": "Situation",
    "task": "Task",
    "action": "Action",
    "result": "Result",
    "requirements": "Requirements",
    "approach": "Approach",
    "deployment": "Deployment strategy",
    "monitoring": "Monitoring plan",
    "retraining": "Retraining protocol",
    "evaluation": "Evaluation and testing",
    "cost": "Cost and ROI",
    "risks": "Risks",
    "tradeoffs": "Trade-offs",
    "recommendation": "Recommendation",
}

SectionLabel = Literal[
    "situation",
    "task",
    "action",
    "result",
    "requirements",
    "approach",
    "deployment",
    "monitoring",
    "retraining",
    "evaluation",
    "cost",
    "risks",
    "tradeoffs",
    "recommendation",
]

Importance = Literal["required", "bonus"]


def _clean_phrases(values: list[str], what: str) -> list[str]:
    cleaned = []
    for value in values:
        text = value.strip()
        if not text:
            raise ValueError(f"{what} has an empty entry")
        cleaned.append(text)
    return cleaned


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Concept(_Strict):
    """A key idea an answer should contain, with the ways people write it."""

    term: str = Field(min_length=1, description="canonical term")
    synonyms: list[str] = Field(default_factory=list)
    abbreviations: list[str] = Field(default_factory=list)
    misspellings: list[str] = Field(default_factory=list)
    importance: Importance = "required"

    @field_validator("term")
    @classmethod
    def _term_has_text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("concept term has no text")
        return value.strip()

    @field_validator("synonyms", "abbreviations", "misspellings")
    @classmethod
    def _phrases_have_text(cls, values: list[str]) -> list[str]:
        return _clean_phrases(values, "concept")

    def surface_forms(self) -> list[str]:
        """Every way of writing the concept, canonical term first."""
        return [self.term, *self.synonyms, *self.abbreviations, *self.misspellings]


class Criterion(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1)
    weight: float = Field(gt=0, le=1)
    description: str = ""
    concepts: list[Concept] = Field(min_length=1)


class Structure(_Strict):
    """The shape a good answer takes: STAR, or a named framework of sections in order."""

    kind: Literal["star", "framework"]
    name: str = Field(min_length=1, description="e.g. 'Deployment strategy -> Monitoring plan -> Retraining'")
    sections: list[SectionLabel] = Field(min_length=2)

    @model_validator(mode="after")
    def _sections_fit_kind(self) -> Structure:
        if len(set(self.sections)) != len(self.sections):
            raise ValueError("structure sections repeat")
        if self.kind == "star" and tuple(self.sections) != STAR_SECTIONS:
            raise ValueError("a STAR structure has the sections situation, task, action, result in that order")
        if self.kind == "framework" and not set(self.sections) <= set(FRAMEWORK_SECTIONS):
            raise ValueError(f"framework sections must be among {', '.join(FRAMEWORK_SECTIONS)}")
        return self


class Pitfall(_Strict):
    """A mistake that costs points: flagged when any `if_any` phrase appears
    and none of the `unless_any` phrases does."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    description: str = Field(min_length=1)
    penalty: int = Field(ge=1, le=25, description="points out of 100")
    if_any: list[str] = Field(min_length=1)
    unless_any: list[str] = Field(default_factory=list)

    @field_validator("if_any", "unless_any")
    @classmethod
    def _phrases_have_text(cls, values: list[str]) -> list[str]:
        return _clean_phrases(values, "pitfall")


class Bands(_Strict):
    """Behaviourally anchored rating bands: what an answer at each level looks like."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _integer_keys(cls, data: object) -> object:
        # YAML reads `1:` as an integer key; accept it like "1".
        if isinstance(data, dict):
            return {str(k) if isinstance(k, int) else k: v for k, v in data.items()}
        return data

    band_1: str = Field(alias="1", min_length=1)
    band_2: str = Field(alias="2", min_length=1)
    band_3: str = Field(alias="3", min_length=1)
    band_4: str = Field(alias="4", min_length=1)
    band_5: str = Field(alias="5", min_length=1)

    def describe(self, band: int) -> str:
        return getattr(self, f"band_{band}")

    def as_dict(self) -> dict[int, str]:
        return {band: self.describe(band) for band in range(1, 6)}


class Rubric(_Strict):
    criteria: list[Criterion] = Field(min_length=3, max_length=6)
    structure: Structure
    pitfalls: list[Pitfall] = Field(default_factory=list)
    bands: Bands

    @model_validator(mode="after")
    def _consistent(self) -> Rubric:
        total = sum(c.weight for c in self.criteria)
        if abs(total - 1.0) > 0.01:
            raise ValueError(f"criterion weights add up to {total:.2f}, not 1.0")
        ids = [c.id for c in self.criteria]
        if len(set(ids)) != len(ids):
            raise ValueError("criterion ids repeat")
        pitfall_ids = [p.id for p in self.pitfalls]
        if len(set(pitfall_ids)) != len(pitfall_ids):
            raise ValueError("pitfall ids repeat")
        if not any(k.importance == "required" for c in self.criteria for k in c.concepts):
            raise ValueError("a rubric needs at least one required concept")
        return self

    def concepts(self) -> list[tuple[Criterion, Concept]]:
        return [(criterion, concept) for criterion in self.criteria for concept in criterion.concepts]
