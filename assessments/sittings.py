"""Taking an assessment: drafts saved on the server, a deadline the server enforces, one submission.

Every function takes `now`, so the clock is the caller's (tests inject one).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, select

from assessments.building import items_of
from assessments.models import Assessment, AssessmentItem, Sitting, SittingAnswer
from credentials import webhooks
from practice.answers import MAX_ANSWER_CHARS, clean_answer
from practice.scoring import ScoringService
from practice.service import create_attempt
from prodready.accounts.models import Role, User
from prodready.accounts.scope import OrgScope
from prodready.errors import Conflict, InvalidInput, NotFound
from question_bank.catalog import Catalog, CatalogEntry
from question_bank.models import QuestionVersion
from question_bank.schema import Question


def own_sitting(scope: OrgScope, sitting_id: str) -> Sitting:
    """The signed-in candidate's own sitting; anyone else's is a 404."""
    sitting = scope.get(Sitting, sitting_id)
    if scope.user is None or sitting.user_id != scope.user.id:
        raise NotFound("No such sitting in this organisation.")
    return sitting


def sitting_assessment(session: Session, sitting: Sitting) -> Assessment:
    assessment = session.get(Assessment, sitting.assessment_id)
    assert assessment is not None
    return assessment


def pinned_entry(session: Session, item: AssessmentItem) -> CatalogEntry:
    version = session.get(QuestionVersion, item.question_version_id)
    if version is None:
        raise Conflict("The assessment was not published; its questions are not pinned.")
    return CatalogEntry(Question.model_validate(version.content), version.version, version.id,
                        version.content_hash)


def answers_of(session: Session, sitting_id: str) -> dict[str, SittingAnswer]:
    rows = session.exec(select(SittingAnswer).where(SittingAnswer.sitting_id == sitting_id)).all()
    return {row.item_id: row for row in rows}


def is_open(sitting: Sitting, now: datetime) -> bool:
    return sitting.submitted_at is None and now < sitting.deadline_at


def save_answer(scope: OrgScope, sitting_id: str, item_id: str, text: str, *, now: datetime) -> SittingAnswer:
    sitting = own_sitting(scope, sitting_id)
    if sitting.submitted_at is not None:
        raise Conflict("This assessment is already submitted; answers can no longer change.", reason="submitted")
    if now >= sitting.deadline_at:
        raise Conflict(f"The time ran out at {sitting.deadline_at:%H:%M:%S} UTC; this change was not saved. "
                       "What you saved before then is kept and will be submitted.", reason="time-over")
    item = scope.get(AssessmentItem, item_id)
    if item.assessment_id != sitting.assessment_id:
        raise NotFound("No such question in this assessment.")
    if len(text) > MAX_ANSWER_CHARS:
        raise InvalidInput(f"The answer has {len(text):,} characters; the limit is {MAX_ANSWER_CHARS:,}.")
    if text.strip():
        clean_answer(text)  # binary data is refused now, not at submit
    answer = answers_of(scope.session, sitting.id).get(item.id)
    if answer is None:
        answer = SittingAnswer(org_id=scope.org.id, sitting_id=sitting.id, item_id=item.id)
    answer.text, answer.saved_at = text, now
    scope.session.add(answer)
    scope.session.flush()
    return answer


def submit(scope: OrgScope, catalog: Catalog, scoring: ScoringService, sitting_id: str, *,
           now: datetime) -> Sitting:
    """Score what was saved in time and close the sitting. A second submit returns the same submission."""
    return close_and_score(scope, catalog, scoring, own_sitting(scope, sitting_id), now=now)


def close_and_score(scope: OrgScope, catalog: Catalog, scoring: ScoringService, sitting: Sitting, *,
                    now: datetime) -> Sitting:
    if sitting.submitted_at is not None:
        return sitting
    # Close the sitting atomically first: a concurrent submit finds it closed and scores nothing.
    closed = scope.session.execute(update(Sitting).where(
        Sitting.id == sitting.id, Sitting.submitted_at.is_(None),  # type: ignore[union-attr]
    ).values(submitted_at=min(now, sitting.deadline_at))).rowcount  # type: ignore[attr-defined]
    scope.session.refresh(sitting)
    if not closed:
        return sitting
    user = scope.session.get(User, sitting.user_id)
    assert user is not None
    answers = answers_of(scope.session, sitting.id)
    duration = int((min(now, sitting.deadline_at) - sitting.started_at).total_seconds())
    for item in items_of(scope, sitting.assessment_id):
        answer = answers.get(item.id)
        if answer is None or not answer.text.strip():
            continue
        entry = pinned_entry(scope.session, item)
        # Score against the pinned version, whatever the bank's current one is.
        pinned = replace(catalog, entries={**catalog.entries, item.question_id: entry})
        attempt = create_attempt(scope.session, catalog=pinned, scoring=scoring, user=user,
                                 question_id=item.question_id, answer=answer.text, duration_seconds=duration,
                                 org_id=scope.org.id, source="assessment")
        answer.attempt_id = attempt.id
        scope.session.add(answer)
    scope.session.flush()
    # Committed (or rolled back) with the submission; the delivery worker sends it afterwards.
    webhooks.emit(scope.session, scope.org.id, "assessment.completed", {
        "assessment_id": sitting.assessment_id, "sitting_id": sitting.id, "candidate_id": sitting.user_id,
        "submitted_at": sitting.submitted_at.isoformat() if sitting.submitted_at else None,
    })
    return sitting


def close_expired(scope: OrgScope, catalog: Catalog, scoring: ScoringService, assessment_id: str, *,
                  now: datetime) -> int:
    """Submit, for candidates who left without submitting, what they saved before their time ran out."""
    scope.require(Role.INTERVIEWER)
    expired = scope.session.exec(scope.select(Sitting).where(
        Sitting.assessment_id == assessment_id, Sitting.submitted_at.is_(None),  # type: ignore[union-attr]
        Sitting.deadline_at <= now)).all()
    for sitting in expired:
        close_and_score(scope, catalog, scoring, sitting, now=now)
    return len(expired)


def open_sitting_includes(session: Session, user_id: str, question_id: str, *, now: datetime) -> bool:
    """Whether this person is in the middle of an assessment that asks this question."""
    row = session.exec(
        select(Sitting.id)
        .join(AssessmentItem, AssessmentItem.assessment_id == Sitting.assessment_id)  # type: ignore[arg-type]
        .where(Sitting.user_id == user_id, Sitting.submitted_at.is_(None),  # type: ignore[union-attr]
               Sitting.deadline_at > now, AssessmentItem.question_id == question_id)
        .limit(1)
    ).first()
    return row is not None


def refuse_during_assessment(session: Session, user_id: str, question_id: str, *, now: datetime) -> None:
    """Practice feedback names the rubric's concepts: none on a question of an assessment in progress."""
    if open_sitting_includes(session, user_id, question_id, now=now):
        raise Conflict("You are taking an assessment with this question; practise it after you submit.")


def sittings_of_user(scope: OrgScope) -> list[Sitting]:
    if scope.user is None:
        return []
    return list(scope.session.exec(scope.select(Sitting).where(Sitting.user_id == scope.user.id)
                                   .order_by(Sitting.started_at.desc())).all())  # type: ignore[attr-defined]
