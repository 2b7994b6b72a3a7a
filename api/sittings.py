"""Taking an assessment (candidates): accept an invitation, save drafts, submit once."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.assessments import NowDep
from api.deps import PrincipalDep, ScopeDep, SessionDep
from api.questions import CatalogDep
from api.scoring import ScoringDep
from assessments import invitations, sittings, taking
from practice.answers import MAX_ANSWER_CHARS
from prodready.accounts.models import Organisation

router = APIRouter(tags=["assessments"])


class AcceptIn(BaseModel):
    token: str = Field(min_length=10, max_length=128)


class AcceptOut(BaseModel):
    org: str
    sitting_id: str


@router.post("/invitations/accept", response_model=AcceptOut)
def accept(body: AcceptIn, principal: PrincipalDep, session: SessionDep, at: NowDep) -> AcceptOut:
    """Start the sitting this link is for (bound to you); opening your own link again resumes it."""
    sitting = invitations.accept_invitation(session, principal.user, body.token, now=at)
    org = session.get(Organisation, sitting.org_id)
    assert org is not None
    return AcceptOut(org=org.slug, sitting_id=sitting.id)


class QuestionOut(BaseModel):
    item_id: str
    question_id: str
    title: str
    prompt: str
    kind: str
    draft: str
    saved_at: datetime | None


class ReleasedOut(BaseModel):
    question_id: str
    title: str
    score: float
    band: int


class SittingOut(BaseModel):
    id: str
    assessment_title: str
    state: str = Field(description="open, time-over or submitted")
    started_at: datetime
    deadline_at: datetime
    seconds_left: int
    submitted_at: datetime | None
    questions: list[QuestionOut]
    results: list[ReleasedOut] | None = Field(description="scores, once the interviewer releases them")


def sitting_out(view: taking.CandidateSitting) -> SittingOut:
    s = view.sitting
    return SittingOut(
        id=s.id, assessment_title=view.assessment.title, state=view.state, started_at=s.started_at,
        deadline_at=s.deadline_at, seconds_left=view.seconds_left, submitted_at=s.submitted_at,
        questions=[QuestionOut(**q.__dict__) for q in view.questions],
        results=[ReleasedOut(**r.__dict__) for r in view.released] if view.released is not None else None,
    )


class SittingSummary(BaseModel):
    id: str
    assessment_title: str
    started_at: datetime
    deadline_at: datetime
    submitted_at: datetime | None


@router.get("/orgs/{org}/sittings", response_model=list[SittingSummary])
def my_sittings(scope: ScopeDep) -> list[SittingSummary]:
    """Your own sittings in this organisation."""
    return [SittingSummary(id=s.id, assessment_title=sittings.sitting_assessment(scope.session, s).title,
                           started_at=s.started_at, deadline_at=s.deadline_at, submitted_at=s.submitted_at)
            for s in sittings.sittings_of_user(scope)]


@router.get("/orgs/{org}/sittings/{sitting_id}", response_model=SittingOut)
def get_sitting(sitting_id: str, scope: ScopeDep, at: NowDep) -> SittingOut:
    return sitting_out(taking.candidate_sitting(scope, sitting_id, now=at))


class AnswerIn(BaseModel):
    text: str = Field(max_length=MAX_ANSWER_CHARS)


class SavedOut(BaseModel):
    item_id: str
    saved_at: datetime


@router.put("/orgs/{org}/sittings/{sitting_id}/answers/{item_id}", response_model=SavedOut)
def save_answer(sitting_id: str, item_id: str, body: AnswerIn, scope: ScopeDep, at: NowDep) -> SavedOut:
    """Save a draft. After the deadline this is a 409 problem and the earlier draft stays."""
    answer = sittings.save_answer(scope, sitting_id, item_id, body.text, now=at)
    return SavedOut(item_id=answer.item_id, saved_at=answer.saved_at)


@router.post("/orgs/{org}/sittings/{sitting_id}/submit", response_model=SittingOut)
def submit(sitting_id: str, scope: ScopeDep, catalog: CatalogDep, scoring: ScoringDep, at: NowDep) -> SittingOut:
    """Submit what was saved in time. Submitting again returns the same submission."""
    sittings.submit(scope, catalog, scoring, sitting_id, now=at)
    return sitting_out(taking.candidate_sitting(scope, sitting_id, now=at))
