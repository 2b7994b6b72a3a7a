"""Every scored answer of an assessment with its human ratings: what calibration and export read."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median_low

from sqlmodel import select

from assessments.agreement import WIDE_GAP, wide_gap
from assessments.building import get_assessment, items_of
from assessments.models import Assessment, Sitting, SittingAnswer
from assessments.review import candidate_label
from assessments.sittings import pinned_entry
from practice.models import Attempt, ScoreOverride
from prodready.accounts.models import User
from prodready.accounts.scope import OrgScope
from rubrics.bands import band_for


@dataclass(frozen=True)
class ResultRow:
    sitting: Sitting
    candidate: str
    position: int
    question_id: str
    question_title: str
    attempt: Attempt
    ratings: dict[str, ScoreOverride]  # rater id -> rating

    @property
    def auto_criterion_bands(self) -> dict[str, int]:
        return {c["criterion_id"]: band_for(100 * c["score"]) for c in self.attempt.result.get("criteria", [])}

    @property
    def final_band(self) -> int:
        """The raters' median band (the lower one on a tie); the auto band when nobody has rated."""
        bands = [r.band for r in self.ratings.values()]
        return median_low(bands) if bands else self.attempt.band

    @property
    def flags(self) -> list[str]:
        bands = [r.band for r in self.ratings.values()]
        found = []
        if wide_gap(bands):
            found.append(f"raters differ by {max(bands) - min(bands)} bands")
        if any(abs(b - self.attempt.band) >= WIDE_GAP for b in bands):
            found.append("a rater and the auto-score differ by 2 or more bands")
        if self.attempt.needs_review:
            found.append("the second rater disagrees with the auto-score")
        return found


@dataclass(frozen=True)
class AssessmentResults:
    assessment: Assessment
    rows: list[ResultRow]
    raters: dict[str, str]  # rater id -> display name


def collect(scope: OrgScope, assessment_id: str) -> AssessmentResults:
    assessment = get_assessment(scope, assessment_id)
    items = {item.id: item for item in items_of(scope, assessment.id)}
    titles = {item_id: pinned_entry(scope.session, item).question.title for item_id, item in items.items()
              if item.question_version_id}
    pairs = scope.session.exec(
        select(SittingAnswer, Sitting, Attempt)
        .join(Sitting, Sitting.id == SittingAnswer.sitting_id)  # type: ignore[arg-type]
        .join(Attempt, Attempt.id == SittingAnswer.attempt_id)  # type: ignore[arg-type]
        .where(Sitting.assessment_id == assessment.id, Sitting.org_id == scope.org.id)
    ).all()
    attempt_ids = [attempt.id for _a, _s, attempt in pairs]
    overrides = scope.session.exec(select(ScoreOverride).where(
        ScoreOverride.attempt_id.in_(attempt_ids))).all() if attempt_ids else []  # type: ignore[attr-defined]
    by_attempt: dict[str, dict[str, ScoreOverride]] = {}
    for override in overrides:
        by_attempt.setdefault(override.attempt_id, {})[override.rater_id] = override
    raters: dict[str, str] = {}
    for rid in sorted({o.rater_id for o in overrides}):
        name = u.display_name if (u := scope.session.get(User, rid)) else "A former rater"
        # Export columns are keyed by name, so two raters called alike are told apart.
        raters[rid] = name if name not in raters.values() else f"{name} ({len(raters) + 1})"
    rows = []
    for answer, sitting, attempt in pairs:
        item = items[answer.item_id]
        rows.append(ResultRow(sitting, candidate_label(assessment, sitting, scope.session.get(User, sitting.user_id)),
                              item.position, item.question_id, titles.get(item.id, item.question_id), attempt,
                              by_attempt.get(attempt.id, {})))
    rows.sort(key=lambda r: (r.sitting.number, r.position))
    return AssessmentResults(assessment, rows, raters)
