"""Progress: scores over time, per stage and level, weakest areas and next questions.

Built by `practice.progress.build_progress`, like its JSON twin `GET /api/v1/progress`.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from practice.progress import build_progress
from practice.service import attempts_of
from web.bank import STAGE_NAMES, CatalogDep
from web.charts import score_bars, score_line
from web.deps import PagePrincipalDep, PageSessionDep
from web.templating import render

router = APIRouter()
MAX_ATTEMPTS = 10_000


@router.get("/progress")
def progress(request: Request, principal: PagePrincipalDep, session: PageSessionDep, catalog: CatalogDep) -> Response:
    report = build_progress(attempts_of(session, principal.user.id, limit=MAX_ATTEMPTS), catalog)
    titles = {qid: entry.question.title for qid, entry in catalog.entries.items()}
    line = score_line([
        (f"{titles.get(p.question_id, p.question_id)} — {round(p.score)} on {p.created_at:%Y-%m-%d}", p.score)
        for p in report.timeline
    ])
    bars = score_bars([(STAGE_NAMES[stage], stats.average) for stage, stats in report.by_stage.items()])
    context = {
        "title": "Your progress", "report": report, "line": line, "bars": bars, "stages": STAGE_NAMES,
        "titles": titles,
    }
    return render(request, "progress/index.html", context)
