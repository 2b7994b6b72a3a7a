"""A candidate's progress: scores over time, by stage and level, weakest areas, what to try next."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from statistics import mean

from pydantic import BaseModel

from practice.models import Attempt
from question_bank.catalog import Catalog
from question_bank.schema import LEVELS, STAGES

SUGGESTIONS = 3


class AreaStats(BaseModel):
    attempts: int
    questions: int
    average: float | None
    best: float | None


class TimelinePoint(BaseModel):
    attempt_id: str
    question_id: str
    created_at: datetime
    score: float
    band: int


class Progress(BaseModel):
    attempts: int
    questions_answered: int
    average_score: float | None
    by_stage: dict[str, AreaStats]
    by_level: dict[str, AreaStats]
    timeline: list[TimelinePoint]
    weakest: list[str]
    suggested: list[str]


def _area(attempts: list[Attempt]) -> AreaStats:
    # Per question, the latest attempt counts: it is where the candidate stands now.
    latest: dict[str, Attempt] = {}
    for attempt in sorted(attempts, key=lambda a: a.created_at):
        latest[attempt.question_id] = attempt
    scores = [a.score for a in latest.values()]
    return AreaStats(attempts=len(attempts), questions=len(latest),
                     average=round(mean(scores), 1) if scores else None,
                     best=max(scores) if scores else None)


def build_progress(attempts: list[Attempt], catalog: Catalog) -> Progress:
    by_stage: dict[str, list[Attempt]] = defaultdict(list)
    by_level: dict[str, list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        entry = catalog.get(attempt.question_id)
        if entry is None:
            continue  # retired question: still in the timeline, not in the areas
        for stage in entry.question.stages:
            by_stage[stage].append(attempt)
        by_level[entry.question.level].append(attempt)
    stage_stats = {stage: _area(by_stage[stage]) for stage in STAGES}
    overall = _area(attempts)
    # Weakest: stages never tried first, then the lowest averages.
    weakest = sorted(STAGES, key=lambda s: (stage_stats[s].average is not None, stage_stats[s].average or 0))[:3]
    answered = {a.question_id for a in attempts}
    suggested: list[str] = []
    for stage in weakest:
        for question in catalog.questions():
            if stage in question.stages and question.id not in answered and question.id not in suggested:
                suggested.append(question.id)
                break
    timeline = [TimelinePoint(attempt_id=a.id, question_id=a.question_id, created_at=a.created_at, score=a.score,
                              band=a.band) for a in sorted(attempts, key=lambda a: a.created_at)]
    return Progress(attempts=len(attempts), questions_answered=overall.questions, average_score=overall.average,
                    by_stage=stage_stats, by_level={level: _area(by_level[level]) for level in LEVELS},
                    timeline=timeline, weakest=weakest, suggested=suggested[:SUGGESTIONS])
