"""Scoring: stateless (`/score`) and stored practice attempts (`/attempts`), and progress."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field, model_validator

from api.deps import OptionalPrincipalDep, PrincipalDep, SessionDep
from api.questions import CatalogDep
from assessments.sittings import open_sitting_includes, refuse_during_assessment
from practice import service
from practice.answers import MAX_ANSWER_CHARS, clean_answer
from practice.models import Attempt
from practice.progress import Progress, build_progress
from practice.scoring import ScoringService
from prodready.db import utcnow
from prodready.errors import InvalidInput, NotAuthenticated

router = APIRouter(tags=["scoring"])


def scoring(request: Request) -> ScoringService:
    return request.app.state.scoring


ScoringDep = Annotated[ScoringService, Depends(scoring)]


class ScoreIn(BaseModel):
    question_id: str | None = Field(default=None, max_length=80)
    question: str | None = Field(default=None, max_length=5_000)
    reference_answer: str | None = Field(default=None, max_length=MAX_ANSWER_CHARS)
    answer: str = Field(max_length=MAX_ANSWER_CHARS)

    @model_validator(mode="after")
    def _one_mode(self) -> ScoreIn:
        by_id = self.question_id is not None
        by_reference = self.question is not None or self.reference_answer is not None
        if by_id == by_reference:
            raise ValueError("send either question_id, or question and reference_answer")
        if by_reference and not (self.question and self.reference_answer):
            raise ValueError("reference mode needs both question and reference_answer")
        return self


class ScoreOut(BaseModel):
    question_id: str | None
    question_version: int | None
    result: dict[str, Any]


class AttemptIn(BaseModel):
    question_id: str = Field(max_length=80)
    answer: str = Field(max_length=MAX_ANSWER_CHARS)
    duration_seconds: int | None = Field(default=None, ge=0, le=24 * 3600)


class Reveal(BaseModel):
    model_answer: str
    follow_ups: list[str]
    bands: dict[int, str]
    expected_structure: list[str]


class AttemptOut(BaseModel):
    id: str
    question_id: str
    answer: str
    score: float
    band: int
    confidence: float
    scorer_version: str
    created_at: datetime
    result: dict[str, Any]
    second_rating: dict[str, Any] | None = Field(default=None, description="the LLM second rater, when enabled")
    needs_review: bool = False
    reveal: Reveal | None = Field(default=None, description="model answer and bands, once the question is answered")


def attempt_out(attempt: Attempt, catalog, *, reveal: bool = True) -> AttemptOut:  # noqa: ANN001
    entry = catalog.get(attempt.question_id)
    shown = None
    if reveal and entry is not None:
        q = entry.question
        shown = Reveal(model_answer=q.model_answer, follow_ups=list(q.follow_ups), bands=q.rubric.bands.as_dict(),
                       expected_structure=list(q.rubric.structure.sections))
    return AttemptOut(id=attempt.id, question_id=attempt.question_id, answer=attempt.answer, score=attempt.score,
                      band=attempt.band, confidence=attempt.confidence, scorer_version=attempt.scorer_version,
                      created_at=attempt.created_at, result=attempt.result, second_rating=attempt.second_rating,
                      needs_review=attempt.needs_review, reveal=shown)


@router.post("/score", response_model=ScoreOut)
def score_answer(body: ScoreIn, catalog: CatalogDep, scoring: ScoringDep, request: Request, session: SessionDep,
                 principal: OptionalPrincipalDep) -> ScoreOut:
    """Score one answer without storing it: by question id (signed in), or from a bare question and reference."""
    answer = clean_answer(body.answer)
    if body.question_id is not None:
        if principal is None:
            raise NotAuthenticated("Scoring a bank question needs a sign-in; reference mode does not.")
        refuse_during_assessment(session, principal.user.id, body.question_id, now=utcnow())
        entry = catalog.require(body.question_id)
        result = scoring.score_entry(catalog, entry, answer)
        version: int | None = entry.version
    else:
        assert body.question and body.reference_answer
        result = scoring.score_reference(catalog, body.question, clean_answer(body.reference_answer), answer)
        version = None
    request.app.state.metrics.counter("prodready_answers_scored_total", "Answers scored", ("mode",)).labels(
        "stateless").inc()
    return ScoreOut(question_id=body.question_id, question_version=version, result=result.model_dump(mode="json"))


@router.post("/attempts", status_code=201, response_model=AttemptOut)
def create_attempt(body: AttemptIn, principal: PrincipalDep, session: SessionDep, catalog: CatalogDep,
                   scoring: ScoringDep, request: Request) -> AttemptOut:
    """Answer a question in practice: scored, stored, and the model answer revealed."""
    refuse_during_assessment(session, principal.user.id, body.question_id, now=utcnow())
    attempt = service.create_attempt(session, catalog=catalog, scoring=scoring, user=principal.user,
                                     question_id=body.question_id, answer=body.answer,
                                     duration_seconds=body.duration_seconds)
    request.app.state.metrics.counter("prodready_answers_scored_total", "Answers scored", ("mode",)).labels(
        "practice").inc()
    return attempt_out(attempt, catalog)


@router.get("/attempts", response_model=list[AttemptOut])
def list_attempts(principal: PrincipalDep, session: SessionDep, catalog: CatalogDep,
                  question_id: Annotated[str | None, Query(max_length=80)] = None,
                  limit: Annotated[int, Query(ge=1, le=200)] = 50,
                  offset: Annotated[int, Query(ge=0)] = 0) -> list[AttemptOut]:
    attempts = service.attempts_of(session, principal.user.id, question_id=question_id, limit=limit, offset=offset)
    return [attempt_out(a, catalog, reveal=False) for a in attempts]


@router.get("/attempts/{attempt_id}", response_model=AttemptOut)
def get_attempt(attempt_id: str, principal: PrincipalDep, session: SessionDep, catalog: CatalogDep) -> AttemptOut:
    attempt = service.own_attempt(session, principal.user, attempt_id)
    if attempt.source != "practice":
        raise InvalidInput("Assessment answers are read through the assessment.")
    in_assessment = open_sitting_includes(session, principal.user.id, attempt.question_id, now=utcnow())
    return attempt_out(attempt, catalog, reveal=not in_assessment)


@router.get("/progress", response_model=Progress)
def progress(principal: PrincipalDep, session: SessionDep, catalog: CatalogDep) -> Progress:
    attempts = service.attempts_of(session, principal.user.id, limit=10_000)
    return build_progress(attempts, catalog)
