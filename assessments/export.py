"""Results as CSV and JSON: one row per candidate and question.

CSV cells that a spreadsheet would run as a formula (=, +, -, @ first) are
prefixed with a quote, since answers and names are typed by people.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from assessments.results import AssessmentResults, collect
from prodready.accounts.models import Role
from prodready.accounts.scope import OrgScope

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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


def export_json(scope: OrgScope, assessment_id: str) -> dict[str, Any]:
    scope.require(Role.INTERVIEWER)
    results = collect(scope, assessment_id)
    return {"assessment_id": results.assessment.id, "title": results.assessment.title,
            "blind_review": results.assessment.blind_review, "raters": sorted(results.raters.values()),
            "rows": export_rows(results)}


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def export_csv(scope: OrgScope, assessment_id: str) -> str:
    scope.require(Role.INTERVIEWER)
    results = collect(scope, assessment_id)
    rater_names = sorted(results.raters.values())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["candidate", "question_id", "question_title", "auto_score", "auto_band",
                     *[f"rater: {name}" for name in rater_names], "final_band", "flags"])
    for row in export_rows(results):
        writer.writerow([_cell(v) for v in (
            row["candidate"], row["question_id"], row["question_title"], row["auto_score"], row["auto_band"],
            *[row["raters"].get(name, "") for name in rater_names], row["final_band"], "; ".join(row["flags"]),
        )])
    return out.getvalue()
