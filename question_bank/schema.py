"""The question file format. One file per question under question_bank/questions/."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from rubrics.schema import SECTION_TITLES, Rubric

Kind = Literal["behavioral", "technical", "case", "sandbox"]
Stage = Literal[
    "data", "features", "training", "evaluation", "deployment", "monitoring", "retraining", "business",
]
Level = Literal["beginner", "intermediate", "advanced"]

KINDS: tuple[str, ...] = ("behavioral", "technical", "case", "sandbox")
STAGES: tuple[str, ...] = (
    "data", "features", "training", "evaluation", "deployment", "monitoring", "retraining", "business",
)
LEVELS: tuple[str, ...] = ("beginner", "intermediate", "advanced")
REQUIRED_CALIBRATION_BANDS = frozenset({1, 3, 5})


class CalibrationAnswer(BaseModel):
    """A realistic answer graded by the author, used to check the scorer and to train raters."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    band: int = Field(ge=1, le=5)
    answer: str = Field(min_length=1)
    note: str = ""


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(
        pattern=r"^[a-z0-9][a-z0-9-]{2,79}$", description="stable id, independent of the file path"
    )
    title: str = Field(min_length=3, max_length=160)
    kind: Kind
    stages: list[Stage] = Field(min_length=1)
    level: Level
    time_guide_minutes: int = Field(ge=1, le=120)
    tags: list[str] = Field(default_factory=list)
    prompt: str = Field(min_length=10)
    follow_ups: list[str] = Field(min_length=2)
    model_answer: str = Field(min_length=20)
    rubric: Rubric
    calibration: list[CalibrationAnswer] = Field(min_length=3)
    # validate_default so a sandbox question without `task` is still checked
    task: str | None = Field(
        default=None, validate_default=True, description="sandbox task id, for kind 'sandbox'"
    )

    @field_validator("stages")
    @classmethod
    def _stages_unique(cls, values: list[str]) -> list[str]:
        if len(set(values)) != len(values):
            raise ValueError("stages repeat")
        return values

    @field_validator("tags")
    @classmethod
    def _tags_clean(cls, values: list[str]) -> list[str]:
        cleaned = [v.strip().lower() for v in values]
        if any(not v for v in cleaned):
            raise ValueError("a tag has no text")
        return cleaned

    # Cross-field checks are field validators (not one model validator) so that
    # an error points at the field it is about, and the loader at its line.
    @field_validator("rubric")
    @classmethod
    def _structure_fits_kind(cls, rubric: Rubric, info: ValidationInfo) -> Rubric:
        kind = info.data.get("kind")
        if kind == "behavioral" and rubric.structure.kind != "star":
            raise ValueError("a behavioral question expects a STAR structure")
        if kind is not None and kind != "behavioral" and rubric.structure.kind == "star":
            raise ValueError("only behavioral questions use a STAR structure")
        return rubric

    @field_validator("calibration")
    @classmethod
    def _calibration_bands(cls, values: list[CalibrationAnswer]) -> list[CalibrationAnswer]:
        missing = REQUIRED_CALIBRATION_BANDS - {c.band for c in values}
        if missing:
            bands = ", ".join(map(str, sorted(missing)))
            raise ValueError(f"calibration answers missing for band(s) {bands}")
        return values

    @field_validator("task")
    @classmethod
    def _task_fits_kind(cls, task: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("kind")
        if kind == "sandbox" and not task:
            raise ValueError("a sandbox question names its task")
        if kind is not None and kind != "sandbox" and task:
            raise ValueError("only sandbox questions name a task")
        return task


def expected_structure(question: Question) -> str:
    """The structure a strong answer takes, as shown to candidates before they answer."""
    structure = question.rubric.structure
    if structure.kind == "star":
        return "STAR (Situation, Task, Action, Result)"
    return " → ".join(SECTION_TITLES[s] for s in structure.sections)
