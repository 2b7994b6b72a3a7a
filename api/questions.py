"""The question bank: browse, filter, search; the rubric for those allowed to see it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from api.deps import PrincipalDep, SessionDep
from assessments.sittings import open_sitting_includes
from practice.service import has_practised
from prodready.accounts.models import ROLE_RANK, Role
from prodready.accounts.service import memberships_of
from prodready.db import utcnow
from prodready.errors import Forbidden
from question_bank.catalog import Catalog, CatalogEntry
from question_bank.schema import expected_structure
from question_bank.search import search_questions

router = APIRouter(prefix="/questions", tags=["question bank"])


def catalog(request: Request, session: SessionDep) -> Catalog:
    return request.app.state.catalog.get(session)


CatalogDep = Annotated[Catalog, Depends(catalog)]


class QuestionSummary(BaseModel):
    id: str
    title: str
    kind: str
    level: str
    stages: list[str]
    tags: list[str]
    time_guide_minutes: int
    version: int


class QuestionDetail(QuestionSummary):
    prompt: str
    task: str | None
    expected_structure: str


class QuestionPage(BaseModel):
    items: list[QuestionSummary]
    total: int
    limit: int
    offset: int
    content_version: str | None


class RubricView(BaseModel):
    """What a strong answer looks like. Never shown to a candidate inside an assessment."""

    question_id: str
    version: int
    model_answer: str
    follow_ups: list[str]
    rubric: dict[str, Any]
    calibration: list[dict[str, Any]] | None = None


def summary(entry: CatalogEntry) -> QuestionSummary:
    q = entry.question
    return QuestionSummary(id=q.id, title=q.title, kind=q.kind, level=q.level, stages=list(q.stages),
                           tags=list(q.tags), time_guide_minutes=q.time_guide_minutes, version=entry.version)


def detail(entry: CatalogEntry) -> QuestionDetail:
    q = entry.question
    return QuestionDetail(**summary(entry).model_dump(), prompt=q.prompt, task=q.task,
                          expected_structure=expected_structure(q))


@router.get("", response_model=QuestionPage)
def list_questions(
    catalog: CatalogDep,
    stage: Literal["data", "features", "training", "evaluation", "deployment", "monitoring", "retraining",
                   "business"] | None = None,
    level: Literal["beginner", "intermediate", "advanced"] | None = None,
    kind: Literal["behavioral", "technical", "case", "sandbox"] | None = None,
    tag: Annotated[str | None, Query(max_length=60)] = None,
    q: Annotated[str | None, Query(max_length=200, description="text search; tolerates typos")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> QuestionPage:
    page = search_questions(catalog.questions(), stage=stage, level=level, kind=kind, tag=tag, query=q,
                            limit=limit, offset=offset)
    items = [summary(catalog.require(hit.question.id)) for hit in page.items]
    return QuestionPage(items=items, total=page.total, limit=page.limit, offset=page.offset,
                        content_version=catalog.content_version)


@router.get("/{question_id}", response_model=QuestionDetail)
def get_question(question_id: str, catalog: CatalogDep) -> QuestionDetail:
    return detail(catalog.require(question_id))


def highest_role(session, user_id: str) -> Role | None:  # noqa: ANN001
    roles = [Role(m.role) for m, _org in memberships_of(session, user_id)]
    return max(roles, key=lambda r: ROLE_RANK[r]) if roles else None


@router.get("/{question_id}/rubric", response_model=RubricView)
def get_rubric(question_id: str, catalog: CatalogDep, principal: PrincipalDep, session: SessionDep) -> RubricView:
    entry = catalog.require(question_id)
    if open_sitting_includes(session, principal.user.id, question_id, now=utcnow()):
        raise Forbidden("The rubric of a question in an assessment you are taking stays closed until you submit.")
    role = highest_role(session, principal.user.id)
    is_rater = role is not None and ROLE_RANK[role] >= ROLE_RANK[Role.INTERVIEWER]
    if not is_rater and not has_practised(session, principal.user.id, question_id):
        raise Forbidden("The rubric and model answer open after you have answered this question in practice.")
    q = entry.question
    return RubricView(
        question_id=q.id, version=entry.version, model_answer=q.model_answer, follow_ups=list(q.follow_ups),
        rubric=q.rubric.model_dump(mode="json", by_alias=True),
        calibration=[c.model_dump(mode="json") for c in q.calibration] if is_rater else None,
    )
