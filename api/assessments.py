"""Structured assessments: build from the bank, publish, invite, release results (interviewers)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from api.deps import InterviewerScope
from api.questions import CatalogDep
from api.scoring import ScoringDep
from assessments import building, invitations, sittings
from assessments.models import Assessment
from prodready.db import utcnow

router = APIRouter(tags=["assessments"])


def now(request: Request) -> datetime:
    """The request's clock; tests put a fake one on `app.state.clock`."""
    return getattr(request.app.state, "clock", utcnow)()


NowDep = Annotated[datetime, Depends(now)]


class AssessmentIn(BaseModel):
    title: str = Field(min_length=1, max_length=160)
    question_ids: list[str] = Field(default_factory=list, max_length=building.MAX_QUESTIONS)
    time_limit_minutes: int = Field(default=60, ge=1, le=600)
    due_at: datetime | None = None
    blind_review: bool = False
    sandbox_task: str | None = Field(default=None, max_length=64)
    is_template: bool = False
    role_title: str = Field(default="", max_length=120)


class CloneIn(BaseModel):
    title: str | None = Field(default=None, max_length=160)
    as_template: bool = False
    due_at: datetime | None = None


class ItemOut(BaseModel):
    item_id: str
    question_id: str
    pinned_version_id: str | None


class AssessmentOut(BaseModel):
    id: str
    title: str
    role_title: str
    is_template: bool
    time_limit_minutes: int
    due_at: datetime | None
    blind_review: bool
    sandbox_task: str | None
    created_at: datetime
    published_at: datetime | None
    results_released_at: datetime | None
    items: list[ItemOut]


def assessment_out(scope, assessment: Assessment) -> AssessmentOut:  # noqa: ANN001
    items = [ItemOut(item_id=i.id, question_id=i.question_id, pinned_version_id=i.question_version_id)
             for i in building.items_of(scope, assessment.id)]
    return AssessmentOut(
        id=assessment.id, title=assessment.title, role_title=assessment.role_title,
        is_template=assessment.is_template, time_limit_minutes=assessment.time_limit_minutes,
        due_at=assessment.due_at, blind_review=assessment.blind_review, sandbox_task=assessment.sandbox_task,
        created_at=assessment.created_at, published_at=assessment.published_at,
        results_released_at=assessment.results_released_at, items=items,
    )


@router.get("/orgs/{org}/assessments", response_model=list[AssessmentOut])
def list_assessments(scope: InterviewerScope, templates: bool | None = None) -> list[AssessmentOut]:
    return [assessment_out(scope, a) for a in building.list_assessments(scope, templates=templates)]


@router.post("/orgs/{org}/assessments", status_code=201, response_model=AssessmentOut)
def create_assessment(body: AssessmentIn, scope: InterviewerScope, catalog: CatalogDep) -> AssessmentOut:
    spec = building.AssessmentSpec(**body.model_dump())
    return assessment_out(scope, building.create_assessment(scope, catalog, spec))


@router.get("/orgs/{org}/assessments/{assessment_id}", response_model=AssessmentOut)
def get_assessment(assessment_id: str, scope: InterviewerScope) -> AssessmentOut:
    return assessment_out(scope, building.get_assessment(scope, assessment_id))


@router.post("/orgs/{org}/assessments/{assessment_id}/publish", response_model=AssessmentOut)
def publish(assessment_id: str, scope: InterviewerScope, catalog: CatalogDep, at: NowDep) -> AssessmentOut:
    """Pin each question's current version; candidates can then be invited. Publishing twice changes nothing."""
    return assessment_out(scope, building.publish(scope, catalog, assessment_id, now=at))


@router.post("/orgs/{org}/assessments/{assessment_id}/clone", status_code=201, response_model=AssessmentOut)
def clone(assessment_id: str, body: CloneIn, scope: InterviewerScope, catalog: CatalogDep) -> AssessmentOut:
    """A new assessment (or template) from this one: a template for a role becomes a concrete assessment."""
    created = building.clone(scope, catalog, assessment_id, title=body.title, as_template=body.as_template,
                             due_at=body.due_at)
    return assessment_out(scope, created)


@router.post("/orgs/{org}/assessments/{assessment_id}/release", response_model=AssessmentOut)
def release(assessment_id: str, scope: InterviewerScope, at: NowDep) -> AssessmentOut:
    """Let candidates see their scores."""
    return assessment_out(scope, building.release_results(scope, assessment_id, now=at))


class ClosedOut(BaseModel):
    closed: int = Field(description="sittings whose time was over, now submitted and scored")


@router.post("/orgs/{org}/assessments/{assessment_id}/close-expired", response_model=ClosedOut)
def close_expired(assessment_id: str, scope: InterviewerScope, catalog: CatalogDep, scoring: ScoringDep,
                  at: NowDep) -> ClosedOut:
    """Submit what candidates saved in time when they never pressed submit themselves."""
    building.get_assessment(scope, assessment_id)
    return ClosedOut(closed=sittings.close_expired(scope, catalog, scoring, assessment_id, now=at))


class InvitationIn(BaseModel):
    email: str = Field(min_length=3, max_length=254)
    valid_days: int = Field(default=invitations.DEFAULT_VALID_DAYS, ge=1, le=invitations.MAX_VALID_DAYS)


class InvitationOut(BaseModel):
    id: str
    email: str | None = Field(description="who it was sent to; null in blind review unless you are an admin")
    candidate: str | None = Field(
        default=None, description="in blind review, for everyone but admins: 'Candidate N' once the link was opened")
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    state: str = Field(description="invited, started or finished")
    sitting_id: str | None
    submitted_at: datetime | None


class NewInvitationOut(InvitationOut):
    link: str = Field(description="the single-use link to send: shown this once")
    token: str


def invitation_out(status: invitations.InvitationStatus) -> InvitationOut:
    inv, sitting = status.invitation, status.sitting
    return InvitationOut(id=inv.id, email=status.email, candidate=status.blind_label,
                         created_at=inv.created_at, expires_at=inv.expires_at,
                         used_at=inv.used_at, state=status.state, sitting_id=sitting.id if sitting else None,
                         submitted_at=sitting.submitted_at if sitting else None)


@router.post("/orgs/{org}/assessments/{assessment_id}/invitations", status_code=201,
             response_model=NewInvitationOut)
def invite(assessment_id: str, body: InvitationIn, scope: InterviewerScope, at: NowDep,
           request: Request) -> NewInvitationOut:
    invitation, token = invitations.create_invitation(scope, assessment_id, email=body.email, now=at,
                                                      valid_days=body.valid_days)
    out = invitation_out(invitations.InvitationStatus(invitation, None))  # the creator just typed the email
    return NewInvitationOut(**out.model_dump(), link=str(request.base_url).rstrip("/") + f"/invitations/{token}",
                            token=token)


@router.get("/orgs/{org}/assessments/{assessment_id}/invitations", response_model=list[InvitationOut])
def list_invitations(assessment_id: str, scope: InterviewerScope) -> list[InvitationOut]:
    """Who was invited, who started and who finished."""
    return [invitation_out(s) for s in invitations.invitation_statuses(scope, assessment_id)]
