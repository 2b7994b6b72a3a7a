"""Practice: answer a question, get feedback in place, try again and compare.

The same `practice.service.create_attempt` as `POST /api/v1/attempts`; the JSON
twin of an attempt page is `GET /api/v1/attempts/{id}`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from sqlmodel import Session
from starlette.responses import Response

from assessments.sittings import open_sitting_includes, refuse_during_assessment
from practice import service
from practice.answers import MAX_ANSWER_CHARS
from practice.models import Attempt
from practice.scoring import ScoringService
from prodready.db import utcnow
from prodready.errors import InvalidInput, NotFound
from question_bank.catalog import Catalog
from web import htmx
from web.bank import STAGE_NAMES, CatalogDep, expected_structure
from web.deps import CurrentOrgDep, PagePrincipalDep, PageSessionDep
from web.feedback import feedback_view
from web.templating import render

router = APIRouter()


def previous_attempt(session: Session, attempt: Attempt) -> Attempt | None:
    """The same person's attempt at the same question just before this one."""
    earlier = service.attempts_of(session, attempt.user_id, question_id=attempt.question_id, limit=200)
    older = [a for a in earlier if a.created_at < attempt.created_at or (
        a.created_at == attempt.created_at and a.id < attempt.id)]
    return older[0] if older else None


def attempt_context(session: Session, catalog: Catalog, attempt: Attempt) -> dict[str, Any]:
    entry = catalog.get(attempt.question_id)
    question = entry.question if entry else None
    return {
        "attempt": attempt, "question": question, "entry": entry, "stages": STAGE_NAMES,
        "expected_structure": expected_structure(question) if question else "",
        "feedback": feedback_view(attempt, question), "previous": previous_attempt(session, attempt),
        # An assessment in progress asks this question: keep its model answer and bands closed.
        "reveal": not open_sitting_includes(session, attempt.user_id, attempt.question_id, now=utcnow()),
        "answer": attempt.answer, "errors": [],
    }


@router.post("/bank/{question_id}/attempts")
def submit_answer(
    question_id: str, request: Request, principal: PagePrincipalDep, session: PageSessionDep, catalog: CatalogDep,
    org: CurrentOrgDep,
    answer: Annotated[str, Form(max_length=MAX_ANSWER_CHARS)] = "",
    duration_seconds: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    entry = catalog.require(question_id)
    refuse_during_assessment(session, principal.user.id, question_id, now=utcnow())
    scoring: ScoringService = request.app.state.scoring
    seconds = int(duration_seconds) if duration_seconds.isdigit() and int(duration_seconds) <= 24 * 3600 else None
    try:
        attempt = service.create_attempt(
            session, catalog=catalog, scoring=scoring, user=principal.user, question_id=question_id,
            answer=answer, duration_seconds=seconds, org_id=org.id if org else None,
        )
    except InvalidInput as exc:
        # Keep what they typed; say what is wrong next to the answer box.
        context = {"question": entry.question, "entry": entry, "answer": answer, "errors": [exc.detail],
                   "stages": STAGE_NAMES, "expected_structure": expected_structure(entry.question), "attempts": []}
        template = "practice/_answer_form.html" if htmx.is_htmx(request) else "bank/question.html"
        return render(request, template, {"title": entry.question.title, **context}, status_code=422)
    request.app.state.metrics.counter("prodready_answers_scored_total", "Answers scored", ("mode",)).labels(
        "practice").inc()
    if not htmx.is_htmx(request):
        return htmx.redirect(request, f"/attempts/{attempt.id}")
    context = attempt_context(session, catalog, attempt)
    response = render(request, "practice/_feedback.html", {"title": entry.question.title, **context})
    return htmx.push_url(response, f"/attempts/{attempt.id}")


@router.get("/attempts/{attempt_id}")
def attempt_page(
    attempt_id: str, request: Request, principal: PagePrincipalDep, session: PageSessionDep, catalog: CatalogDep,
) -> Response:
    attempt = service.own_attempt(session, principal.user, attempt_id)
    if attempt.source != "practice":
        raise NotFound("No such attempt.")
    context = attempt_context(session, catalog, attempt)
    title = f"Feedback: {context['question'].title}" if context["question"] else "Feedback"
    return htmx.vary_on_htmx(render(request, "practice/attempt.html", {"title": title, **context}))
