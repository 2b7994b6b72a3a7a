"""Human ratings beside the auto-score: one per rater per attempt, never replacing it."""

from __future__ import annotations

from sqlmodel import select

from practice.models import Attempt, ScoreOverride
from prodready.accounts.models import Role
from prodready.accounts.scope import OrgScope
from prodready.db import utcnow
from prodready.errors import InvalidInput, NotFound


def record_override(scope: OrgScope, attempt_id: str, *, band: int, criterion_bands: dict[str, int],
                    comment: str) -> ScoreOverride:
    """Record (or revise) this rater's band; the attempt's auto-score stays as it was."""
    scope.require(Role.INTERVIEWER)
    if scope.user is None:
        raise InvalidInput("Ratings are made by people, not API keys.")
    attempt = scope.session.get(Attempt, attempt_id)
    if attempt is None or attempt.org_id != scope.org.id:
        raise NotFound("No such answer in this organisation.")
    if not 1 <= band <= 5 or any(not 1 <= b <= 5 for b in criterion_bands.values()):
        raise InvalidInput("Bands run from 1 to 5.")
    known = {c["criterion_id"] for c in attempt.result.get("criteria", [])}
    unknown = set(criterion_bands) - known
    if unknown:
        raise InvalidInput(f"Unknown criteria: {', '.join(sorted(unknown))}.")
    override = scope.session.exec(
        select(ScoreOverride).where(ScoreOverride.attempt_id == attempt_id, ScoreOverride.rater_id == scope.user.id)
    ).first()
    if override is None:
        override = ScoreOverride(attempt_id=attempt_id, rater_id=scope.user.id, band=band)
    override.band, override.criterion_bands, override.comment = band, dict(criterion_bands), comment.strip()
    override.updated_at = utcnow()
    scope.session.add(override)
    scope.session.flush()
    return override


def overrides_for(scope: OrgScope, attempt_id: str) -> list[ScoreOverride]:
    return list(scope.session.exec(
        select(ScoreOverride).where(ScoreOverride.attempt_id == attempt_id).order_by(ScoreOverride.created_at)
    ).all())
