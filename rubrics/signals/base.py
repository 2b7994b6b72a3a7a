"""The signal contract and registry.

A signal reads the answer (a `ScoringJob`) and adds what it found to the shared
`Findings`: evidence, flags, and its own 0-1 value. Signals run in registry order;
later ones may read what earlier ones found (integrity reads the concept matches).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from rubrics.bands import Profile
from rubrics.compiled import CompiledRubric
from rubrics.context import ScoringContext
from rubrics.result import (
    ConceptMatch,
    CriterionScore,
    IntegrityFlag,
    PitfallHit,
    SignalScore,
    SpecificitySignal,
    StructureSegment,
    VagueClaim,
)
from rubrics.similarity import TextSpace
from rubrics.structure_model import StructureModel
from rubrics.text import Segment, Tokens


@dataclass
class ScoringJob:
    compiled: CompiledRubric
    answer: str
    tokens: Tokens
    segments: list[Segment]
    context: ScoringContext
    space: TextSpace
    structure_model: StructureModel | None
    profile: Profile

    @property
    def rubric(self):
        return self.compiled.rubric

    @property
    def words(self) -> list[str]:
        """The tokens' lower-cased texts, which most signals scan."""
        return self.tokens.words

    def segment_of_token(self) -> list[int]:
        """For each token, the index of its segment (a list: it is read one hit at a time)."""
        owner = [0] * len(self.tokens)
        for index, seg in enumerate(self.segments):
            owner[seg.first_token:seg.last_token] = [index] * seg.n_tokens
        return owner


@dataclass
class Findings:
    concepts: list[ConceptMatch] = field(default_factory=list)
    concept_counts: dict[int, int] = field(default_factory=dict)  # concept index -> non-negated matches
    segment_quality: list[float] = field(default_factory=list)
    criteria: list[CriterionScore] = field(default_factory=list)
    structure: list[StructureSegment] = field(default_factory=list)
    missing_sections: list[str] = field(default_factory=list)
    out_of_order: list[str] = field(default_factory=list)
    specificity: list[SpecificitySignal] = field(default_factory=list)
    vague: list[VagueClaim] = field(default_factory=list)
    pitfalls: list[PitfallHit] = field(default_factory=list)
    flags: list[IntegrityFlag] = field(default_factory=list)
    cap: float = 100.0  # the most an answer can score after integrity findings
    values: dict[str, SignalScore] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # for the confidence reason

    def record(self, job: ScoringJob, name: str, value: float | None, detail: str) -> None:
        clipped = None if value is None else round(min(1.0, max(0.0, value)), 4)
        weight = job.profile.weights.get(name, 0.0)
        self.values[name] = SignalScore.trusted(name=name, value=clipped, weight=weight, detail=detail)


class Signal:
    name: ClassVar[str]
    order: ClassVar[int]  # run position: integrity and specificity read what coverage found

    def run(self, job: ScoringJob, findings: Findings) -> None:
        raise NotImplementedError


SIGNALS: dict[str, type[Signal]] = {}


def register(cls: type[Signal]) -> type[Signal]:
    if cls.name in SIGNALS:
        raise ValueError(f"signal {cls.name!r} registered twice")
    SIGNALS[cls.name] = cls
    return cls


def ordered_signals() -> list[Signal]:
    return [cls() for cls in sorted(SIGNALS.values(), key=lambda cls: cls.order)]
