"""Calibration: how far raters agree with each other and with the auto-score, per criterion.

Pairs of raters get Cohen's quadratic-weighted kappa over the answers both
rated; three or more raters also get Fleiss' kappa over the answers all of
them rated. Answers whose bands are 2 or more apart are flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from assessments.agreement import band_counts, fleiss_kappa, weighted_kappa
from assessments.results import AssessmentResults, ResultRow, collect
from prodready.accounts.models import Role
from prodready.accounts.scope import OrgScope

OVERALL = "overall"


@dataclass(frozen=True)
class Kappa:
    value: float | None  # None: undefined (too few shared answers, or no variation)
    answers: int


@dataclass(frozen=True)
class PairAgreement:
    rater_a: str
    rater_b: str
    by_criterion: dict[str, Kappa]  # "overall" and each criterion id


@dataclass(frozen=True)
class AutoAgreement:
    rater: str
    by_criterion: dict[str, Kappa]


@dataclass(frozen=True)
class FlaggedAnswer:
    attempt_id: str
    candidate: str
    question_id: str
    auto_band: int
    rater_bands: dict[str, int]
    reasons: list[str]


@dataclass(frozen=True)
class CalibrationReport:
    raters: dict[str, str]
    pairs: list[PairAgreement]
    fleiss: dict[str, Kappa] | None
    versus_auto: list[AutoAgreement]
    flagged: list[FlaggedAnswer]


def _bands(row: ResultRow, rater_id: str, criterion: str) -> int | None:
    rating = row.ratings.get(rater_id)
    if rating is None:
        return None
    return rating.band if criterion == OVERALL else rating.criterion_bands.get(criterion)


def _auto(row: ResultRow, criterion: str) -> int | None:
    return row.attempt.band if criterion == OVERALL else row.auto_criterion_bands.get(criterion)


def _criteria(results: AssessmentResults) -> list[str]:
    found = {c for row in results.rows for r in row.ratings.values() for c in r.criterion_bands}
    return [OVERALL, *sorted(found)]


def _kappa(pairs: list[tuple[int | None, int | None]]) -> Kappa:
    both = [(a, b) for a, b in pairs if a is not None and b is not None]
    return Kappa(weighted_kappa([a for a, _ in both], [b for _, b in both]), len(both))


def report(scope: OrgScope, assessment_id: str) -> CalibrationReport:
    scope.require(Role.INTERVIEWER)
    results = collect(scope, assessment_id)
    criteria = _criteria(results)
    raters = list(results.raters)
    pairs = [PairAgreement(a, b, {c: _kappa([(_bands(r, a, c), _bands(r, b, c)) for r in results.rows])
                                  for c in criteria}) for a, b in combinations(raters, 2)]
    versus_auto = [AutoAgreement(rater, {c: _kappa([(_bands(r, rater, c), _auto(r, c)) for r in results.rows])
                                         for c in criteria}) for rater in raters]
    fleiss = None
    if len(raters) >= 3:
        fleiss = {}
        for c in criteria:
            complete = [bands for r in results.rows
                        if None not in (bands := [_bands(r, rater, c) for rater in raters])]
            value = fleiss_kappa(band_counts(complete)) if len(complete) >= 2 else None  # type: ignore[arg-type]
            fleiss[c] = Kappa(value, len(complete))
    flagged = [FlaggedAnswer(r.attempt.id, r.candidate, r.question_id, r.attempt.band,
                             {rid: o.band for rid, o in r.ratings.items()}, r.flags)
               for r in results.rows if r.flags]
    return CalibrationReport(results.raters, pairs, fleiss, versus_auto, flagged)
