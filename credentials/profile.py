"""A candidate's skill profile: a score per skill area, with evidence, confidence and a level.

Areas are the bank's lifecycle stages (from each answered question's stages) plus `sandbox`
(finished hands-on runs). Per question the latest answer counts, practice and assessment
alike; a human rating, when present, replaces the auto-score and weighs double.

Computed on read, cached per process under a key made of the latest result times and
counts (`result_marker`): three aggregate queries tell whether anything changed, so a new
answer, rating or sandbox run shows at once and an unchanged profile costs no recompute.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, func, select

from credentials import evidence as ev
from credentials.levels import confidence_label, confidence_of, level_for
from practice.models import Attempt, ScoreOverride
from question_bank.catalog import Catalog
from question_bank.schema import STAGES

AREAS: tuple[str, ...] = (*STAGES, "sandbox")
AREA_LABELS: dict[str, str] = {
    "data": "Data collection", "features": "Feature engineering", "training": "Training",
    "evaluation": "Evaluation", "deployment": "Deployment and serving", "monitoring": "Monitoring",
    "retraining": "Retraining and automation", "business": "Cost and business impact",
    "sandbox": "Hands-on deployment task", "overall": "Production ML literacy",
}
CACHE_SIZE = 2048


class AreaScore(BaseModel):
    area: str
    label: str
    score: float | None
    level: str
    evidence: int
    confidence: float
    confidence_label: str


class SkillProfile(BaseModel):
    user_id: str
    overall: AreaScore
    areas: list[AreaScore]
    latest_result_at: datetime | None
    scorer_versions: list[str]
    question_versions: list[str]


def _area_score(area: str, items: list[ev.Evidence]) -> AreaScore:
    weight = sum(i.weight for i in items)
    score = round(sum(i.score * i.weight for i in items) / weight, 1) if weight else None
    confidence = confidence_of(len(items), [i.confidence for i in items], sum(i.disagreed for i in items))
    return AreaScore(area=area, label=AREA_LABELS[area], score=score, evidence=len(items), confidence=confidence,
                     confidence_label=confidence_label(confidence),
                     level=level_for(score, evidence=len(items), confidence=confidence))


def build_profile(user_id: str, items: list[ev.Evidence], latest: datetime | None) -> SkillProfile:
    by_area: dict[str, list[ev.Evidence]] = defaultdict(list)
    for item in items:
        for area in item.areas:
            by_area[area].append(item)
    return SkillProfile(
        user_id=user_id, overall=_area_score("overall", items),
        areas=[_area_score(area, by_area[area]) for area in AREAS], latest_result_at=latest,
        scorer_versions=sorted({i.scorer_version for i in items if i.scorer_version}),
        question_versions=sorted({i.question_version for i in items if i.question_version}),
    )


def result_marker(session: Session, user_id: str) -> tuple:
    """Changes whenever a result that feeds the profile is added, rescored or rated."""
    attempts = session.exec(select(func.count(), func.max(Attempt.created_at), func.max(Attempt.rescored_at))
                            .where(Attempt.user_id == user_id)).one()
    ratings = session.exec(select(func.count(), func.max(ScoreOverride.updated_at))
                           .join(Attempt, Attempt.id == ScoreOverride.attempt_id)  # type: ignore[arg-type]
                           .where(Attempt.user_id == user_id)).one()
    return (*attempts, *ratings, *ev.sandbox_marker(session, user_id))


@dataclass
class ProfileCache:
    """Profiles by user, valid while their result marker and the bank sync are unchanged."""

    size: int = CACHE_SIZE
    _entries: OrderedDict = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, session: Session, catalog: Catalog, user_id: str) -> SkillProfile:
        key = (catalog.sync_id, result_marker(session, user_id))
        with self._lock:
            hit = self._entries.get(user_id)
            if hit is not None and hit[0] == key:
                self._entries.move_to_end(user_id)
                return hit[1]
        items, latest = ev.collect(session, catalog, user_id)
        profile = build_profile(user_id, items, latest)
        with self._lock:
            self._entries[user_id] = (key, profile)
            self._entries.move_to_end(user_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return profile
