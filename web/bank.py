"""The question bank: browse and filter (live with htmx, a plain GET form without JS), and a question page.

The JSON twins are `/api/v1/questions` and `/api/v1/questions/{id}`, filtered by the same `search_questions`.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from sqlmodel import Session
from starlette.responses import Response

from practice.service import attempts_of
from question_bank.catalog import Catalog
from question_bank.schema import KINDS, LEVELS, STAGES, expected_structure
from question_bank.search import search_questions
from web.deps import PageSessionDep, VisitorDep
from web.templating import render, render_fragment

router = APIRouter()
PAGE_SIZE = 20

STAGE_NAMES = {
    "data": "Data collection", "features": "Feature engineering", "training": "Training", "evaluation": "Evaluation",
    "deployment": "Deployment and serving", "monitoring": "Monitoring", "retraining": "Retraining and automation",
    "business": "Cost and business impact",
}


def page_catalog(request: Request, session: PageSessionDep) -> Catalog:
    return request.app.state.catalog.get(session)


CatalogDep = Annotated[Catalog, Depends(page_catalog)]


def all_tags(catalog: Catalog) -> list[str]:
    return sorted({tag for question in catalog.questions() for tag in question.tags})


def _blank(value: str | None) -> str | None:
    return value or None  # the plain form sends empty strings for "any"


@router.get("/bank")
def bank(
    request: Request, principal: VisitorDep, catalog: CatalogDep,
    stage: Literal["", *STAGES] = "",  # type: ignore[valid-type]
    level: Literal["", *LEVELS] = "",  # type: ignore[valid-type]
    kind: Literal["", *KINDS] = "",  # type: ignore[valid-type]
    tag: Annotated[str, Query(max_length=60)] = "",
    q: Annotated[str, Query(max_length=200)] = "",
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> Response:
    page = search_questions(
        catalog.questions(), stage=_blank(stage), level=_blank(level), kind=_blank(kind), tag=_blank(tag),
        query=_blank(q), limit=PAGE_SIZE, offset=offset,
    )
    filters = {"stage": stage, "level": level, "kind": kind, "tag": tag, "q": q}
    context = {
        "title": "Question bank", "page": page, "filters": filters, "stages": STAGE_NAMES, "levels": LEVELS,
        "kinds": KINDS, "tags": all_tags(catalog), "page_size": PAGE_SIZE,
        "query_string": urlencode({k: v for k, v in filters.items() if v}),
    }
    return render_fragment(request, "bank/index.html", "bank/_results.html", context)


def _previous_attempts(session: Session, principal, question_id: str) -> list:  # noqa: ANN001
    return attempts_of(session, principal.user.id, question_id=question_id, limit=5) if principal else []


@router.get("/bank/{question_id}")
def question_page(
    question_id: str, request: Request, principal: VisitorDep, catalog: CatalogDep, session: PageSessionDep,
) -> Response:
    entry = catalog.require(question_id)
    context = {
        "title": entry.question.title, "entry": entry, "question": entry.question,
        "expected_structure": expected_structure(entry.question), "stages": STAGE_NAMES,
        "attempts": _previous_attempts(session, principal, question_id), "errors": [], "answer": "",
    }
    return render(request, "bank/question.html", context)
