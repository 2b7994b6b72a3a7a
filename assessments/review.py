"""Reviewing submitted answers: the queue per rater, one answer beside its rubric, a rating.

Each rater is blind to the others' ratings of an answer until they have rated
it themselves. Blind review also hides who the candidate is ("Candidate 3")
and shuffles the order, deterministically per rater, so no two raters work
through candidates in the same sequence. When the assessment has a hands-on task, each
candidate's latest sandbox run for the sitting is shown beside their answers (`assessments.hands_on`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import select

from assessments.building import get_assessment, items_of
from assessments.hands_on import HandsOnRun, latest_run, latest_runs
from assessments.models import Assessment, AssessmentItem, Sitting, SittingAnswer
from assessments.sittings import pinned_entry
from practice.models import Attempt, ScoreOverride
from practice.overrides import overrides_for, record_override
from prodready.accounts.models import Role, User
from prodready.accounts.scope import OrgScope
from prodready.errors import InvalidInput, NotFound
from question_bank.schema import Question

MAX_COMMENT_CHARS = 4_000


def candidate_label(assessment: Assessment, sitting: Sitting, user: User | None) -> str:
    if assessment.blind_review or user is None:
        return f"Candidate {sitting.number}"
    return f"{user.display_name} <{user.email}>"


def rater_order(rater_id: str, sitting_id: str) -> str:
    return hashlib.sha256(f"{rater_id}:{sitting_id}".encode()).hexdigest()


@dataclass(frozen=True)
class QueueAnswer:
    attempt_id: str
    question_id: str
    question_title: str
    auto_band: int
    my_band: int | None
    ratings: int


@dataclass(frozen=True)
class QueueRow:
    sitting_id: str
    label: str
    submitted: bool
    answers: list[QueueAnswer] = field(default_factory=list)
    hands_on: HandsOnRun | None = None  # the latest sandbox run, when the assessment has a hands-on task


def submitted_sittings(scope: OrgScope, assessment_id: str) -> list[Sitting]:
    return list(scope.session.exec(scope.select(Sitting).where(
        Sitting.assessment_id == assessment_id, Sitting.submitted_at.is_not(None),  # type: ignore[union-attr]
    ).order_by(Sitting.number)).all())  # type: ignore[arg-type]


def review_queue(scope: OrgScope, assessment_id: str) -> list[QueueRow]:
    scope.require(Role.INTERVIEWER)
    assessment = get_assessment(scope, assessment_id)
    rater_id = scope.user.id if scope.user else ""
    sittings = submitted_sittings(scope, assessment.id)
    if assessment.blind_review:
        sittings.sort(key=lambda s: rater_order(rater_id, s.id))
    items = {item.id: item for item in items_of(scope, assessment.id)}
    titles = {item.id: pinned_entry(scope.session, item).question.title for item in items.values()}
    runs = latest_runs(scope, assessment, sittings)
    rows = []
    for sitting in sittings:
        user = scope.session.get(User, sitting.user_id)
        answers = scope.session.exec(select(SittingAnswer, Attempt)
                                     .join(Attempt, Attempt.id == SittingAnswer.attempt_id)  # type: ignore[arg-type]
                                     .where(SittingAnswer.sitting_id == sitting.id)).all()
        queue = []
        for answer, attempt in sorted(answers, key=lambda pair: items[pair[0].item_id].position):
            overrides = overrides_for(scope, attempt.id)
            mine = next((o.band for o in overrides if o.rater_id == rater_id), None)
            queue.append(QueueAnswer(attempt.id, attempt.question_id, titles[answer.item_id], attempt.band, mine,
                                     len(overrides)))
        rows.append(QueueRow(sitting.id, candidate_label(assessment, sitting, user), True, queue,
                             runs.get(sitting.id)))
    return rows


@dataclass(frozen=True)
class OtherRating:
    rater: str
    band: int
    criterion_bands: dict[str, int]
    comment: str


@dataclass(frozen=True)
class AnswerReview:
    assessment: Assessment
    sitting: Sitting
    item: AssessmentItem
    attempt: Attempt
    question: Question
    candidate: str
    mine: ScoreOverride | None
    others: list[OtherRating] | None  # None while this rater has not rated the answer
    ratings: int
    hands_on: HandsOnRun | None = None  # the candidate's latest sandbox run for this sitting

    @property
    def result(self) -> dict[str, Any]:
        return self.attempt.result


def _located(scope: OrgScope, attempt_id: str) -> tuple[SittingAnswer, Sitting, Assessment, AssessmentItem]:
    answer = scope.session.exec(scope.select(SittingAnswer).where(SittingAnswer.attempt_id == attempt_id)).first()
    if answer is None:
        raise NotFound("No such assessment answer in this organisation.")
    sitting = scope.get(Sitting, answer.sitting_id)
    return answer, sitting, scope.get(Assessment, sitting.assessment_id), scope.get(AssessmentItem, answer.item_id)


def answer_review(scope: OrgScope, attempt_id: str) -> AnswerReview:
    scope.require(Role.INTERVIEWER)
    _answer, sitting, assessment, item = _located(scope, attempt_id)
    attempt = scope.session.get(Attempt, attempt_id)
    assert attempt is not None
    rater_id = scope.user.id if scope.user else None
    overrides = overrides_for(scope, attempt_id)
    mine = next((o for o in overrides if o.rater_id == rater_id), None)
    others = None
    if mine is not None:
        others = []
        for override in overrides:
            if override.rater_id == rater_id:
                continue
            rater = scope.session.get(User, override.rater_id)
            others.append(OtherRating(rater.display_name if rater else "A former rater", override.band,
                                      dict(override.criterion_bands), override.comment))
    return AnswerReview(assessment, sitting, item, attempt, pinned_entry(scope.session, item).question,
                        candidate_label(assessment, sitting, scope.session.get(User, sitting.user_id)),
                        mine, others, len(overrides), latest_run(scope, assessment, sitting))


def rate(scope: OrgScope, attempt_id: str, *, band: int, criterion_bands: dict[str, int],
         comment: str) -> ScoreOverride:
    scope.require(Role.INTERVIEWER)
    _answer, sitting, _assessment, _item = _located(scope, attempt_id)
    if scope.user is not None and sitting.user_id == scope.user.id:
        raise InvalidInput("You cannot rate your own answers.")
    if len(comment) > MAX_COMMENT_CHARS:
        raise InvalidInput(f"A comment has at most {MAX_COMMENT_CHARS:,} characters.")
    return record_override(scope, attempt_id, band=band, criterion_bands=criterion_bands, comment=comment)
