"""Results as CSV and JSON: one row per candidate and question.

When the assessment has a hands-on task, each candidate's latest sandbox run for the
sitting goes beside the written answers: in JSON as `hands_on` (one entry per submitted
sitting), in CSV as extra columns on each of the candidate's rows (its status, score,
verdict and one column per check), with a row of its own for a candidate who wrote no
answer. Blind review withholds the run's id and error text (see `assessments.hands_on`).

CSV cells that a spreadsheet would run as a formula (=, +, -, @ first) are
prefixed with a quote, since answers and names are typed by people.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from assessments import hands_on
from assessments.models import Sitting
from assessments.results import AssessmentResults, collect
from assessments.review import candidate_label, submitted_sittings
from prodready.accounts.models import Role, User
from prodready.accounts.scope import OrgScope

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NO_RUN = "no run"


@dataclass(frozen=True)
class CandidateHandsOn:
    sitting: Sitting
    candidate: str
    run: hands_on.HandsOnRun | None


def export_rows(results: AssessmentResults) -> list[dict[str, Any]]:
    rows = []
    for row in results.rows:
        rows.append({
            "candidate": row.candidate,
            "sitting_id": row.sitting.id,
            "question_id": row.question_id,
            "question_title": row.question_title,
            "auto_score": row.attempt.score,
            "auto_band": row.attempt.band,
            "raters": {results.raters[rid]: rating.band for rid, rating in sorted(
                row.ratings.items(), key=lambda pair: results.raters[pair[0]])},
            "final_band": row.final_band,
            "flags": row.flags,
        })
    return rows


def hands_on_rows(scope: OrgScope, results: AssessmentResults) -> list[CandidateHandsOn]:
    """Every submitted sitting with its latest sandbox run (or None); empty without a hands-on task."""
    assessment = results.assessment
    if not assessment.sandbox_task:
        return []
    sittings = submitted_sittings(scope, assessment.id)
    runs = hands_on.latest_runs(scope, assessment, sittings)
    return [CandidateHandsOn(s, candidate_label(assessment, s, scope.session.get(User, s.user_id)), runs.get(s.id))
            for s in sittings]


def export_json(scope: OrgScope, assessment_id: str) -> dict[str, Any]:
    scope.require(Role.INTERVIEWER)
    results = collect(scope, assessment_id)
    document = {"assessment_id": results.assessment.id, "title": results.assessment.title,
                "blind_review": results.assessment.blind_review, "raters": sorted(results.raters.values()),
                "rows": export_rows(results)}
    if results.assessment.sandbox_task:
        document["sandbox_task"] = results.assessment.sandbox_task
        document["hands_on"] = [{"candidate": h.candidate, "sitting_id": h.sitting.id,
                                 "run": h.run.as_dict() if h.run else None}
                                for h in hands_on_rows(scope, results)]
    return document


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _hands_on_cells(run: hands_on.HandsOnRun | None, check_ids: list[str]) -> list[Any]:
    if run is None:
        return [NO_RUN, "", "", *["" for _ in check_ids]]
    verdicts = {check.id: check.verdict for check in run.checks}
    return [run.status, run.score, run.verdict, *[verdicts.get(check_id, "") for check_id in check_ids]]


def export_csv(scope: OrgScope, assessment_id: str) -> str:
    scope.require(Role.INTERVIEWER)
    results = collect(scope, assessment_id)
    rater_names = sorted(results.raters.values())
    candidates = hands_on_rows(scope, results)
    by_sitting = {h.sitting.id: h for h in candidates}
    check_ids = hands_on.check_columns(h.run for h in candidates if h.run is not None)
    extra = ["hands_on_status", "hands_on_score", "hands_on_verdict", *[f"check: {c}" for c in check_ids]] \
        if results.assessment.sandbox_task else []
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["candidate", "question_id", "question_title", "auto_score", "auto_band",
                     *[f"rater: {name}" for name in rater_names], "final_band", "flags", *extra])
    written: set[str] = set()
    for row in export_rows(results):
        cells = [row["candidate"], row["question_id"], row["question_title"], row["auto_score"], row["auto_band"],
                 *[row["raters"].get(name, "") for name in rater_names], row["final_band"], "; ".join(row["flags"])]
        if extra:
            candidate = by_sitting.get(row["sitting_id"])
            cells += _hands_on_cells(candidate.run if candidate else None, check_ids)
            written.add(row["sitting_id"])
        writer.writerow([_cell(v) for v in cells])
    for candidate in candidates:
        if candidate.sitting.id not in written:  # no written answer: the hands-on task is all there is
            blanks = ["", "", "", "", *["" for _ in rater_names], "", ""]
            writer.writerow([_cell(v) for v in (candidate.candidate, *blanks,
                                                *_hands_on_cells(candidate.run, check_ids))])
    return out.getvalue()
