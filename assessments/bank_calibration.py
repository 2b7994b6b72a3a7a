"""Rater training on the bank's calibration answers: rate blind, then compare with the author's band."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from assessments.agreement import weighted_kappa
from assessments.models import CalibrationRating
from prodready.accounts.models import Role
from prodready.accounts.scope import OrgScope
from prodready.errors import InvalidInput, NotFound
from question_bank.catalog import Catalog


@dataclass(frozen=True)
class CalibrationItem:
    question_id: str
    index: int
    answer: str
    my_band: int | None
    author_band: int | None  # shown only once this rater has rated it
    note: str | None


@dataclass(frozen=True)
class RaterCalibration:
    rated: int
    exact: int
    within_one: int
    kappa: float | None


def _mine(scope: OrgScope, question_id: str | None = None) -> list[CalibrationRating]:
    statement = scope.select(CalibrationRating).where(CalibrationRating.user_id == scope.user.id)  # type: ignore[union-attr]
    if question_id is not None:
        statement = statement.where(CalibrationRating.question_id == question_id)
    return list(scope.session.exec(statement).all())


def calibration_items(scope: OrgScope, catalog: Catalog, question_id: str) -> list[CalibrationItem]:
    scope.require(Role.INTERVIEWER)
    question = catalog.require(question_id).question
    rated = {r.answer_index: r for r in _mine(scope, question_id)}
    items = []
    for index, example in enumerate(question.calibration):
        mine = rated.get(index)
        items.append(CalibrationItem(question_id, index, example.answer, mine.band if mine else None,
                                     example.band if mine else None, example.note if mine else None))
    return items


def rate_calibration(scope: OrgScope, catalog: Catalog, question_id: str, index: int, band: int) -> CalibrationItem:
    scope.require(Role.INTERVIEWER)
    if scope.user is None:
        raise InvalidInput("Calibration is for people, not API keys.")
    question = catalog.require(question_id).question
    if not 0 <= index < len(question.calibration):
        raise NotFound("No such calibration answer.")
    if not 1 <= band <= 5:
        raise InvalidInput("Bands run from 1 to 5.")
    example = question.calibration[index]
    rating = scope.session.exec(select(CalibrationRating).where(
        CalibrationRating.user_id == scope.user.id, CalibrationRating.org_id == scope.org.id,
        CalibrationRating.question_id == question_id, CalibrationRating.answer_index == index)).first()
    if rating is None:
        rating = CalibrationRating(org_id=scope.org.id, user_id=scope.user.id, question_id=question_id,
                                   answer_index=index, band=band, author_band=example.band)
    rating.band, rating.author_band = band, example.band
    scope.add(rating)
    return CalibrationItem(question_id, index, example.answer, band, example.band, example.note)


def rater_calibration(scope: OrgScope) -> RaterCalibration:
    scope.require(Role.INTERVIEWER)
    ratings = _mine(scope) if scope.user else []
    mine, author = [r.band for r in ratings], [r.author_band for r in ratings]
    return RaterCalibration(
        rated=len(ratings), exact=sum(a == b for a, b in zip(mine, author, strict=True)),
        within_one=sum(abs(a - b) <= 1 for a, b in zip(mine, author, strict=True)),
        kappa=weighted_kappa(mine, author),
    )
