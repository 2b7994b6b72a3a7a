"""The results a profile is built from, one `Evidence` per question answered or sandbox task run."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, func, select

from credentials.levels import BAND_SCORE, DISAGREEMENT_BANDS, HUMAN_CONFIDENCE, HUMAN_WEIGHT, SANDBOX_WEIGHT
from practice.models import Attempt, ScoreOverride
from question_bank.catalog import Catalog
from question_bank.models import QuestionVersion

RESULT_SOURCES = ("practice", "assessment")


@dataclass(frozen=True)
class Evidence:
    areas: tuple[str, ...]
    score: float
    weight: float
    confidence: float
    disagreed: bool
    scorer_version: str
    question_version: str
    at: datetime


def _sandbox_model() -> Any:
    # The sandbox package may be absent or older in a deployment; read it defensively.
    try:
        from sandbox.models import SandboxRun
    except ImportError:
        return None
    needed = ("user_id", "status", "score", "finished_at", "task_id")
    return SandboxRun if all(hasattr(SandboxRun, name) for name in needed) else None


def sandbox_marker(session: Session, user_id: str) -> tuple:
    run = _sandbox_model()
    if run is None:
        return ()
    return tuple(session.exec(select(func.count(), func.max(run.finished_at)).where(
        run.user_id == user_id, run.finished_at.is_not(None))).one())


def _from_attempt(attempt: Attempt, ratings: list[ScoreOverride], areas: tuple[str, ...], version: str) -> Evidence:
    flagged = bool(attempt.needs_review)
    if not ratings:
        return Evidence(areas, attempt.score, 1.0, attempt.confidence, flagged, attempt.scorer_version, version,
                        attempt.created_at)
    bands = [r.band for r in ratings]
    disagreed = flagged or max(bands) - min(bands) >= DISAGREEMENT_BANDS or any(
        abs(b - attempt.band) >= DISAGREEMENT_BANDS for b in bands)
    score = sum(BAND_SCORE[b] for b in bands) / len(bands)
    at = max([attempt.created_at, *(r.updated_at for r in ratings)])
    return Evidence(areas, score, HUMAN_WEIGHT, HUMAN_CONFIDENCE, disagreed, attempt.scorer_version, version, at)


def _attempt_evidence(session: Session, catalog: Catalog, user_id: str) -> list[Evidence]:
    attempts = session.exec(select(Attempt).where(Attempt.user_id == user_id, Attempt.source.in_(RESULT_SOURCES))  # type: ignore[attr-defined]
                            .order_by(Attempt.created_at)).all()  # type: ignore[arg-type]
    latest: dict[str, Attempt] = {}
    for attempt in attempts:
        latest[attempt.question_id] = attempt  # where the candidate stands now
    ids = [a.id for a in latest.values()]
    ratings: dict[str, list[ScoreOverride]] = defaultdict(list)
    versions: dict[str, int] = {}
    if ids:
        for rating in session.exec(select(ScoreOverride).where(ScoreOverride.attempt_id.in_(ids))).all():  # type: ignore[attr-defined]
            ratings[rating.attempt_id].append(rating)
        version_ids = [a.question_version_id for a in latest.values()]
        versions = dict(session.exec(select(QuestionVersion.id, QuestionVersion.version)
                                     .where(QuestionVersion.id.in_(version_ids))).all())  # type: ignore[attr-defined]
    items = []
    for attempt in latest.values():
        entry = catalog.get(attempt.question_id)
        if entry is None:
            continue  # a retired question no longer says which areas it measures
        version = f"{attempt.question_id}@v{versions.get(attempt.question_version_id, entry.version)}"
        items.append(_from_attempt(attempt, ratings[attempt.id], tuple(entry.question.stages), version))
    return items


def _sandbox_evidence(session: Session, user_id: str) -> list[Evidence]:
    run = _sandbox_model()
    if run is None:
        return []
    rows = session.exec(select(run).where(run.user_id == user_id, run.finished_at.is_not(None),
                                          run.score.is_not(None)).order_by(run.finished_at)).all()
    latest = {r.task_id: r for r in rows if str(r.status) == "succeeded"}
    return [Evidence(("sandbox",), float(r.score), SANDBOX_WEIGHT, 1.0, False, "", f"sandbox:{r.task_id}",
                     r.finished_at) for r in latest.values()]


def collect(session: Session, catalog: Catalog, user_id: str) -> tuple[list[Evidence], datetime | None]:
    items = _attempt_evidence(session, catalog, user_id) + _sandbox_evidence(session, user_id)
    return items, max((i.at for i in items), default=None)
