"""An assessment's hands-on task: which sitting a sandbox run counts for, and each sitting's latest run.

A run counts for a sitting when the candidate submits it for the task of an assessment whose sitting is
still open (not submitted, before the deadline); the run then records `sitting_id` and belongs to the
assessment's organisation. Reviewers and exports show each candidate's latest run for the sitting: its
status, score and every check's verdict. In blind review nothing that could name the candidate is shown:
not the run's id (its page shows the URL probed and the service's output) and not its error text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from assessments.models import Assessment, Sitting
from prodready.accounts.models import User
from prodready.accounts.scope import OrgScope
from prodready.errors import Conflict, InvalidInput, NotFound
from sandbox.models import SandboxRun


def open_task_sittings(session: Session, user_id: str, *, org_id: str, task_id: str,
                       now: datetime) -> list[tuple[Sitting, Assessment]]:
    """The person's open sittings in the organisation whose assessment includes this task, newest first."""
    return list(session.exec(
        select(Sitting, Assessment).join(Assessment, Assessment.id == Sitting.assessment_id)  # type: ignore[arg-type]
        .where(Sitting.user_id == user_id, Sitting.org_id == org_id, Assessment.sandbox_task == task_id,
               Sitting.submitted_at.is_(None), Sitting.deadline_at > now)  # type: ignore[union-attr]
        .order_by(col(Sitting.started_at).desc())
    ).all())


def sitting_for_run(session: Session, user: User, *, task_id: str, org_id: str | None, sitting_id: str | None,
                    now: datetime) -> Sitting | None:
    """The sitting a new run of `task_id` counts for, or None for a run that is not part of an assessment.

    A named sitting must be the person's own (else 404), of an assessment with this task, and still open.
    Without one, a run attached to an organisation counts for the person's open sitting there whose
    assessment includes the task (the newest, if there are several).
    """
    if sitting_id:
        sitting = session.get(Sitting, sitting_id)
        if sitting is None or sitting.user_id != user.id:
            raise NotFound("No such assessment sitting of yours.")
        assessment = session.get(Assessment, sitting.assessment_id)
        assert assessment is not None  # the foreign key cascades
        if assessment.sandbox_task != task_id:
            raise InvalidInput(f"The assessment “{assessment.title}” has no hands-on task {task_id!r}.")
        if sitting.submitted_at is not None:
            raise Conflict(f"You have submitted the assessment “{assessment.title}”; a run now would not count "
                           "for it.", reason="submitted")
        if now >= sitting.deadline_at:
            raise Conflict(f"The time for the assessment “{assessment.title}” ran out at "
                           f"{sitting.deadline_at:%Y-%m-%d %H:%M} UTC; a run now would not count for it.",
                           reason="time-over")
        return sitting
    if org_id is None:
        return None
    found = open_task_sittings(session, user.id, org_id=org_id, task_id=task_id, now=now)
    return found[0][0] if found else None


@dataclass(frozen=True)
class CheckOutcome:
    id: str
    title: str
    verdict: str  # pass, partial, fail or could_not_run

    @property
    def passed(self) -> bool:
        return self.verdict == "pass"


@dataclass(frozen=True)
class HandsOnRun:
    """A candidate's latest run for their sitting, as reviewers see it."""

    task_id: str
    status: str
    verdict: str | None
    score: float | None
    checks: tuple[CheckOutcome, ...]
    runs: int  # how many runs the candidate made for the sitting
    created_at: datetime
    finished_at: datetime | None
    run_id: str | None  # withheld in blind review
    error: str | None  # withheld in blind review

    @property
    def passed_checks(self) -> int:
        return sum(1 for check in self.checks if check.passed)

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id, "task_id": self.task_id, "status": self.status, "verdict": self.verdict,
            "score": self.score, "runs": self.runs, "created_at": self.created_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None, "error": self.error,
            "checks": [{"id": c.id, "title": c.title, "verdict": c.verdict, "passed": c.passed}
                       for c in self.checks],
        }


def _summary(run: SandboxRun, runs: int, *, blind: bool) -> HandsOnRun:
    report = run.report or {}
    checks = tuple(CheckOutcome(str(c.get("id", "")), str(c.get("title") or c.get("id", "")), str(c.get("verdict")))
                   for c in report.get("checks", []) if isinstance(c, dict))
    return HandsOnRun(
        task_id=run.task_id, status=str(run.status), verdict=run.verdict, score=run.score, checks=checks, runs=runs,
        created_at=run.created_at, finished_at=run.finished_at,
        run_id=None if blind else run.id, error=None if blind else run.error,
    )


def latest_runs(scope: OrgScope, assessment: Assessment, sittings: Iterable[Sitting], *,
                for_candidate: bool = False) -> dict[str, HandsOnRun]:
    """Sitting id -> its latest run, for the sittings that have one (only the organisation's own runs).

    `for_candidate`: the candidate looking at their own sitting, to whom blind review hides nothing.
    """
    ids = [s.id for s in sittings if s.assessment_id == assessment.id]
    if not assessment.sandbox_task or not ids:
        return {}
    runs = scope.session.exec(scope.select(SandboxRun).where(
        col(SandboxRun.sitting_id).in_(ids)).order_by(col(SandboxRun.created_at))).all()
    latest: dict[str, SandboxRun] = {}
    counts: dict[str, int] = {}
    for run in runs:
        assert run.sitting_id is not None
        latest[run.sitting_id] = run
        counts[run.sitting_id] = counts.get(run.sitting_id, 0) + 1
    blind = assessment.blind_review and not for_candidate
    return {sid: _summary(run, counts[sid], blind=blind) for sid, run in latest.items()}


def latest_run(scope: OrgScope, assessment: Assessment, sitting: Sitting, *,
               for_candidate: bool = False) -> HandsOnRun | None:
    return latest_runs(scope, assessment, [sitting], for_candidate=for_candidate).get(sitting.id)


def check_columns(runs: Iterable[HandsOnRun]) -> list[str]:
    """Every check id the runs report, in the order first seen: stable columns for an export."""
    seen: dict[str, None] = {}
    for run in runs:
        for check in run.checks:
            seen.setdefault(check.id, None)
    return list(seen)
