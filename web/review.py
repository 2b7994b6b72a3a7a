"""Review pages: the queue, one answer beside its rubric, calibration and agreement.

JSON twins under `/api/v1/orgs/{org}/...` are built by the same `assessments.review`,
`assessments.calibration` and `assessments.bank_calibration` functions.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from assessments import bank_calibration, building, calibration, review
from prodready.errors import InvalidInput
from web import htmx
from web.bank import CatalogDep
from web.deps import FormDep, PageInterviewerScope
from web.feedback import feedback_view
from web.templating import render

router = APIRouter()


@router.get("/orgs/{org}/assessments/{assessment_id}/review")
def queue_page(assessment_id: str, request: Request, scope: PageInterviewerScope) -> Response:
    assessment = building.get_assessment(scope, assessment_id)
    rows = review.review_queue(scope, assessment_id)
    return render(request, "review/queue.html", {"title": f"Review: {assessment.title}", "org": scope.org,
                                                 "assessment": assessment, "rows": rows})


def _answer_page(request: Request, scope, attempt_id: str, *, errors: list[str], status: int = 200) -> Response:  # noqa: ANN001
    view = review.answer_review(scope, attempt_id)
    context = {"title": f"Review: {view.question.title}", "org": scope.org, "view": view,
               "feedback": feedback_view(view.attempt, view.question), "errors": errors,
               "bands": view.question.rubric.bands.as_dict()}
    return render(request, "review/answer.html", context, status_code=status)


@router.get("/orgs/{org}/reviews/{attempt_id}")
def answer_page(attempt_id: str, request: Request, scope: PageInterviewerScope) -> Response:
    return _answer_page(request, scope, attempt_id, errors=[])


@router.post("/orgs/{org}/reviews/{attempt_id}/rating")
def rate(attempt_id: str, request: Request, scope: PageInterviewerScope, form: FormDep,
         band: Annotated[int, Form(ge=1, le=5)],
         comment: Annotated[str, Form(max_length=review.MAX_COMMENT_CHARS)] = "") -> Response:
    criterion_bands = {}
    for key, value in (form.multi_items() if form is not None else []):
        if key.startswith("criterion-") and isinstance(value, str) and value.isdigit():
            criterion_bands[key.removeprefix("criterion-")[:80]] = int(value)
    try:
        review.rate(scope, attempt_id, band=band, criterion_bands=criterion_bands, comment=comment)
    except InvalidInput as exc:
        return _answer_page(request, scope, attempt_id, errors=[exc.detail], status=422)
    return htmx.redirect(request, f"/orgs/{scope.org.slug}/reviews/{attempt_id}")


@router.get("/orgs/{org}/assessments/{assessment_id}/calibration")
def calibration_page(assessment_id: str, request: Request, scope: PageInterviewerScope) -> Response:
    assessment = building.get_assessment(scope, assessment_id)
    report = calibration.report(scope, assessment_id)
    criteria = list(report.pairs[0].by_criterion) if report.pairs else (
        list(report.versus_auto[0].by_criterion) if report.versus_auto else [])
    return render(request, "review/calibration.html", {
        "title": f"Calibration: {assessment.title}", "org": scope.org, "assessment": assessment, "report": report,
        "criteria": criteria})


@router.get("/orgs/{org}/calibration")
def bank_calibration_page(request: Request, scope: PageInterviewerScope, catalog: CatalogDep) -> Response:
    summary = bank_calibration.rater_calibration(scope)
    return render(request, "review/bank_calibration.html", {
        "title": "Calibrate on graded answers", "org": scope.org, "summary": summary,
        "questions": catalog.questions()})


@router.get("/orgs/{org}/calibration/{question_id}")
def bank_question_page(question_id: str, request: Request, scope: PageInterviewerScope,
                       catalog: CatalogDep) -> Response:
    entry = catalog.require(question_id)
    items = bank_calibration.calibration_items(scope, catalog, question_id)
    return render(request, "review/bank_question.html", {
        "title": f"Calibrate: {entry.question.title}", "org": scope.org, "question": entry.question,
        "items": items, "bands": entry.question.rubric.bands.as_dict()})


@router.post("/orgs/{org}/calibration/{question_id}/{index}")
def rate_bank_answer(question_id: str, index: int, request: Request, scope: PageInterviewerScope,
                     catalog: CatalogDep, band: Annotated[int, Form(ge=1, le=5)]) -> Response:
    bank_calibration.rate_calibration(scope, catalog, question_id, index, band)
    return htmx.redirect(request, f"/orgs/{scope.org.slug}/calibration/{question_id}#answer-{index}")
