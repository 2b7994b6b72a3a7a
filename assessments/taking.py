"""What a candidate sees of their sitting: the questions and their drafts, never rubrics or scores.

Scores appear only after the interviewer releases the results.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from assessments.building import items_of
from assessments.models import Assessment, Sitting
from assessments.sittings import answers_of, is_open, own_sitting, pinned_entry, sitting_assessment
from practice.models import Attempt
from prodready.accounts.scope import OrgScope


@dataclass(frozen=True)
class SittingQuestion:
    item_id: str
    question_id: str
    title: str
    prompt: str
    kind: str
    draft: str
    saved_at: datetime | None


@dataclass(frozen=True)
class ReleasedScore:
    question_id: str
    title: str
    score: float
    band: int


@dataclass(frozen=True)
class CandidateSitting:
    assessment: Assessment
    sitting: Sitting
    questions: list[SittingQuestion]
    state: str  # "open", "time-over" or "submitted"
    seconds_left: int
    released: list[ReleasedScore] | None  # None until the interviewer releases results


def candidate_sitting(scope: OrgScope, sitting_id: str, *, now: datetime) -> CandidateSitting:
    sitting = own_sitting(scope, sitting_id)
    assessment = sitting_assessment(scope.session, sitting)
    drafts = answers_of(scope.session, sitting.id)
    questions = []
    for item in items_of(scope, assessment.id):
        question = pinned_entry(scope.session, item).question
        draft = drafts.get(item.id)
        questions.append(SittingQuestion(item.id, question.id, question.title, question.prompt, question.kind,
                                         draft.text if draft else "", draft.saved_at if draft else None))
    state = "submitted" if sitting.submitted_at is not None else "open" if is_open(sitting, now) else "time-over"
    released = None
    if assessment.results_released_at is not None and sitting.submitted_at is not None:
        released = []
        titles = {q.item_id: q.title for q in questions}
        for draft in drafts.values():
            attempt = scope.session.get(Attempt, draft.attempt_id) if draft.attempt_id else None
            if attempt is not None:
                released.append(ReleasedScore(attempt.question_id, titles.get(draft.item_id, attempt.question_id),
                                              attempt.score, attempt.band))
    seconds_left = max(0, int((sitting.deadline_at - now).total_seconds())) if state == "open" else 0
    return CandidateSitting(assessment, sitting, questions, state, seconds_left, released)
