"""Review, calibration and export of assessment results (interviewers)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from api.deps import InterviewerScope
from api.questions import CatalogDep
from assessments import bank_calibration, calibration, export, review
from assessments.hands_on import HandsOnRun
from assessments.review import MAX_COMMENT_CHARS

router = APIRouter(tags=["review"])


class QueueAnswerOut(BaseModel):
    attempt_id: str
    question_id: str
    question_title: str
    auto_band: int
    my_band: int | None
    ratings: int


class CheckOutcomeOut(BaseModel):
    id: str
    title: str
    verdict: str = Field(description="pass, partial, fail or could_not_run")
    passed: bool


class HandsOnOut(BaseModel):
    run_id: str | None = Field(description="the sandbox run; withheld (null) in blind review")
    task_id: str
    status: str
    verdict: str | None
    score: float | None
    runs: int = Field(description="how many runs the candidate made for the sitting; this is the latest")
    created_at: datetime
    finished_at: datetime | None
    error: str | None = Field(description="why the run failed; withheld (null) in blind review")
    checks: list[CheckOutcomeOut]


def hands_on_out(run: HandsOnRun | None) -> HandsOnOut | None:
    return HandsOnOut(**run.as_dict()) if run is not None else None


class QueueRowOut(BaseModel):
    sitting_id: str
    candidate: str = Field(description="name and email, or 'Candidate N' in blind review")
    answers: list[QueueAnswerOut]
    hands_on: HandsOnOut | None = Field(
        default=None, description="the latest sandbox run for the sitting, when the assessment has a hands-on task")


@router.get("/orgs/{org}/assessments/{assessment_id}/review", response_model=list[QueueRowOut])
def review_queue(assessment_id: str, scope: InterviewerScope) -> list[QueueRowOut]:
    """Submitted sittings to review; in blind review shuffled in an order of your own."""
    return [QueueRowOut(sitting_id=row.sitting_id, candidate=row.label,
                        answers=[QueueAnswerOut(**asdict(a)) for a in row.answers],
                        hands_on=hands_on_out(row.hands_on))
            for row in review.review_queue(scope, assessment_id)]


class RatingOut(BaseModel):
    rater: str
    band: int
    criterion_bands: dict[str, int]
    comment: str


class AnswerReviewOut(BaseModel):
    attempt_id: str
    assessment_id: str
    candidate: str
    question_id: str
    question_title: str
    prompt: str
    answer: str
    rubric: dict[str, Any] = Field(description="criteria, structure, pitfalls and the anchored bands")
    model_answer: str
    auto: dict[str, Any] = Field(description="score, band, criteria, evidence with character offsets, feedback")
    second_rating: dict[str, Any] | None
    needs_review: bool
    mine: RatingOut | None
    others: list[RatingOut] | None = Field(description="the other raters' ratings, once you have rated")
    ratings: int
    hands_on: HandsOnOut | None = Field(
        default=None, description="the candidate's latest sandbox run for the sitting, when the assessment has one")


def review_out(view: review.AnswerReview) -> AnswerReviewOut:
    mine = view.mine
    return AnswerReviewOut(
        attempt_id=view.attempt.id, assessment_id=view.assessment.id, candidate=view.candidate,
        question_id=view.question.id, question_title=view.question.title, prompt=view.question.prompt,
        answer=view.attempt.answer, rubric=view.question.rubric.model_dump(mode="json", by_alias=True),
        model_answer=view.question.model_answer, auto=view.attempt.result,
        second_rating=view.attempt.second_rating, needs_review=view.attempt.needs_review,
        mine=RatingOut(rater="you", band=mine.band, criterion_bands=dict(mine.criterion_bands),
                       comment=mine.comment) if mine else None,
        others=[RatingOut(**asdict(o)) for o in view.others] if view.others is not None else None,
        ratings=view.ratings, hands_on=hands_on_out(view.hands_on),
    )


@router.get("/orgs/{org}/reviews/{attempt_id}", response_model=AnswerReviewOut)
def get_review(attempt_id: str, scope: InterviewerScope) -> AnswerReviewOut:
    return review_out(review.answer_review(scope, attempt_id))


class RatingIn(BaseModel):
    band: int = Field(ge=1, le=5)
    criterion_bands: dict[str, int] = Field(default_factory=dict, max_length=10)
    comment: str = Field(default="", max_length=MAX_COMMENT_CHARS)


@router.put("/orgs/{org}/reviews/{attempt_id}/rating", response_model=AnswerReviewOut)
def rate(attempt_id: str, body: RatingIn, scope: InterviewerScope) -> AnswerReviewOut:
    """Record your band (overall and per criterion) beside the auto-score, never over it."""
    review.rate(scope, attempt_id, band=body.band, criterion_bands=body.criterion_bands, comment=body.comment)
    return review_out(review.answer_review(scope, attempt_id))


@router.get("/orgs/{org}/assessments/{assessment_id}/calibration")
def calibration_report(assessment_id: str, scope: InterviewerScope) -> dict[str, Any]:
    """Agreement between raters (weighted Cohen's kappa per pair, Fleiss' for 3+) and with the auto-score."""
    return asdict(calibration.report(scope, assessment_id))


@router.get("/orgs/{org}/assessments/{assessment_id}/export.json")
def export_json(assessment_id: str, scope: InterviewerScope) -> dict[str, Any]:
    return export.export_json(scope, assessment_id)


@router.get("/orgs/{org}/assessments/{assessment_id}/export.csv", response_class=Response)
def export_csv(assessment_id: str, scope: InterviewerScope) -> Response:
    return Response(export.export_csv(scope, assessment_id), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="assessment-{assessment_id}.csv"'})


class CalibrationItemOut(BaseModel):
    question_id: str
    index: int
    answer: str
    my_band: int | None
    author_band: int | None = Field(description="the author's band, shown once you have rated this answer")
    note: str | None


class CalibrationRatingIn(BaseModel):
    band: int = Field(ge=1, le=5)


@router.get("/orgs/{org}/calibration", response_model=bank_calibration.RaterCalibration)
def my_calibration(scope: InterviewerScope) -> bank_calibration.RaterCalibration:
    """How your bands on the bank's calibration answers compare with the authors'."""
    return bank_calibration.rater_calibration(scope)


@router.get("/orgs/{org}/calibration/{question_id}", response_model=list[CalibrationItemOut])
def calibration_items(question_id: str, scope: InterviewerScope, catalog: CatalogDep) -> list[CalibrationItemOut]:
    return [CalibrationItemOut(**asdict(i)) for i in bank_calibration.calibration_items(scope, catalog, question_id)]


@router.put("/orgs/{org}/calibration/{question_id}/{index}", response_model=CalibrationItemOut)
def rate_calibration(question_id: str, index: int, body: CalibrationRatingIn, scope: InterviewerScope,
                     catalog: CatalogDep) -> CalibrationItemOut:
    item = bank_calibration.rate_calibration(scope, catalog, question_id, index, body.band)
    return CalibrationItemOut(**asdict(item))
