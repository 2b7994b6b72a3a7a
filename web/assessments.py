"""Interviewer pages: build an assessment from the bank, publish it, invite candidates, release results.

Built by the same `assessments.building` and `assessments.invitations` functions as
`/api/v1/orgs/{org}/assessments...`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from starlette.responses import Response

from assessments import building, invitations, sittings
from assessments.sittings import pinned_entry
from prodready.accounts.scope import OrgScope
from prodready.db import utcnow
from prodready.errors import Conflict, InvalidInput, NotFound
from question_bank.catalog import Catalog
from question_bank.schema import KINDS, LEVELS, STAGES
from question_bank.search import search_questions
from sandbox.tasks import task_ids
from web import htmx
from web.bank import CatalogDep
from web.deps import PageInterviewerScope
from web.templating import render

router = APIRouter()


def page_now(request: Request) -> datetime:
    return getattr(request.app.state, "clock", utcnow)()


def parse_due(value: str) -> datetime | None:
    """A `datetime-local` field, read as UTC (the form says so)."""
    if not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidInput("The due date is not a date and time.") from exc
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def builder_context(scope: OrgScope, catalog: Catalog, filters: dict[str, str],
                    picked: list[str] | None = None) -> dict[str, Any]:
    page = search_questions(catalog.questions(), stage=filters.get("stage") or None,
                            level=filters.get("level") or None, kind=filters.get("kind") or None, tag=None,
                            query=filters.get("q") or None, limit=100, offset=0)
    # Questions already picked stay on the list, checked, whatever the filters now show.
    chosen = [entry.question for qid in (picked or [])[:building.MAX_QUESTIONS] if (entry := catalog.get(qid))]
    shown = chosen + [hit.question for hit in page.items if hit.question.id not in (picked or [])]
    return {
        "org": scope.org, "questions": shown, "filters": filters,
        "stages": STAGES, "levels": LEVELS, "kinds": KINDS, "tasks": task_ids(),
        "assessments": building.list_assessments(scope, templates=False),
        "templates": building.list_assessments(scope, templates=True), "errors": [],
        "form": {"question_ids": picked or []},
    }


@router.get("/orgs/{org}/assessments")
def assessments_page(request: Request, scope: PageInterviewerScope, catalog: CatalogDep, stage: str = "",
                     level: str = "", kind: str = "", q: str = "",
                     question_ids: Annotated[list[str], Query(max_length=building.MAX_QUESTIONS)] = [],  # noqa: B006
                     ) -> Response:
    filters = {"stage": stage[:20], "level": level[:20], "kind": kind[:20], "q": q[:200]}
    context = builder_context(scope, catalog, filters, question_ids)
    if htmx.is_htmx(request) and request.headers.get(htmx.HX_TARGET) == "bank-picker":
        return htmx.vary_on_htmx(render(request, "assessments/_picker.html", context))
    return htmx.vary_on_htmx(render(request, "assessments/index.html", {"title": "Assessments", **context}))


@router.post("/orgs/{org}/assessments")
def create_assessment(
    request: Request, scope: PageInterviewerScope, catalog: CatalogDep,
    title: Annotated[str, Form(max_length=160)] = "",
    question_ids: Annotated[list[str], Form(max_length=building.MAX_QUESTIONS * 2)] = [],  # noqa: B006
    time_limit_minutes: Annotated[int, Form(ge=1, le=600)] = 60,
    due_at: Annotated[str, Form(max_length=40)] = "",
    blind_review: Annotated[str, Form(max_length=5)] = "",
    sandbox_task: Annotated[str, Form(max_length=64)] = "",
    is_template: Annotated[str, Form(max_length=5)] = "",
    role_title: Annotated[str, Form(max_length=120)] = "",
) -> Response:
    try:
        spec = building.AssessmentSpec(
            title=title, question_ids=question_ids, time_limit_minutes=time_limit_minutes, due_at=parse_due(due_at),
            blind_review=bool(blind_review), sandbox_task=sandbox_task or None, is_template=bool(is_template),
            role_title=role_title)
        assessment = building.create_assessment(scope, catalog, spec)
    except (InvalidInput, NotFound) as exc:
        context = builder_context(scope, catalog, {}, question_ids)
        context.update(errors=[exc.detail], form={"title": title, "question_ids": question_ids,
                                                  "time_limit_minutes": time_limit_minutes, "role_title": role_title})
        return render(request, "assessments/index.html", {"title": "Assessments", **context}, status_code=422)
    return htmx.redirect(request, f"/orgs/{scope.org.slug}/assessments/{assessment.id}")


def detail_context(scope: OrgScope, catalog: Catalog, assessment_id: str) -> dict[str, Any]:
    assessment = building.get_assessment(scope, assessment_id)
    items = []
    for item in building.items_of(scope, assessment.id):
        if item.question_version_id:
            entry = pinned_entry(scope.session, item)
            items.append((item, entry.question.title, entry.version))
        else:
            entry_now = catalog.get(item.question_id)
            items.append((item, entry_now.question.title if entry_now else item.question_id, None))
    statuses = [] if assessment.is_template else invitations.invitation_statuses(scope, assessment.id)
    # In blind review only admins, who manage the invitations, see emails; raters see "Candidate N".
    return {"org": scope.org, "assessment": assessment, "items": items, "statuses": statuses,
            "shows_emails": invitations.shows_emails(scope, assessment), "new_link": None, "errors": []}


@router.get("/orgs/{org}/assessments/{assessment_id}")
def assessment_page(assessment_id: str, request: Request, scope: PageInterviewerScope,
                    catalog: CatalogDep) -> Response:
    context = detail_context(scope, catalog, assessment_id)
    return render(request, "assessments/detail.html", {"title": context["assessment"].title, **context})


@router.post("/orgs/{org}/assessments/{assessment_id}/publish")
def publish(assessment_id: str, request: Request, scope: PageInterviewerScope, catalog: CatalogDep) -> Response:
    building.publish(scope, catalog, assessment_id, now=page_now(request))
    return htmx.redirect(request, f"/orgs/{scope.org.slug}/assessments/{assessment_id}")


@router.post("/orgs/{org}/assessments/{assessment_id}/release")
def release(assessment_id: str, request: Request, scope: PageInterviewerScope) -> Response:
    building.release_results(scope, assessment_id, now=page_now(request))
    return htmx.redirect(request, f"/orgs/{scope.org.slug}/assessments/{assessment_id}")


@router.post("/orgs/{org}/assessments/{assessment_id}/close-expired")
def close_expired(assessment_id: str, request: Request, scope: PageInterviewerScope, catalog: CatalogDep) -> Response:
    building.get_assessment(scope, assessment_id)
    sittings.close_expired(scope, catalog, request.app.state.scoring, assessment_id, now=page_now(request))
    return htmx.redirect(request, f"/orgs/{scope.org.slug}/assessments/{assessment_id}")


@router.post("/orgs/{org}/assessments/{assessment_id}/clone")
def clone(assessment_id: str, request: Request, scope: PageInterviewerScope, catalog: CatalogDep,
          title: Annotated[str, Form(max_length=160)] = "",
          as_template: Annotated[str, Form(max_length=5)] = "") -> Response:
    created = building.clone(scope, catalog, assessment_id, title=title.strip() or None, as_template=bool(as_template))
    return htmx.redirect(request, f"/orgs/{scope.org.slug}/assessments/{created.id}")


@router.post("/orgs/{org}/assessments/{assessment_id}/invitations")
def invite(assessment_id: str, request: Request, scope: PageInterviewerScope, catalog: CatalogDep,
           email: Annotated[str, Form(max_length=254)] = "",
           valid_days: Annotated[int, Form(ge=1, le=invitations.MAX_VALID_DAYS)] = invitations.DEFAULT_VALID_DAYS,
           ) -> Response:
    try:
        _invitation, token = invitations.create_invitation(scope, assessment_id, email=email, now=page_now(request),
                                                           valid_days=valid_days)
    except (InvalidInput, Conflict) as exc:
        context = detail_context(scope, catalog, assessment_id)
        context["errors"] = [exc.detail]
        return render(request, "assessments/detail.html", {"title": context["assessment"].title, **context},
                      status_code=422)
    context = detail_context(scope, catalog, assessment_id)
    # The link is shown this once; only its hash is kept.
    context["new_link"] = str(request.base_url).rstrip("/") + f"/invitations/{token}"
    return render(request, "assessments/detail.html", {"title": context["assessment"].title, **context},
                  headers={"Cache-Control": "no-store"})
