"""The hands-on sandbox task: description and kit, submit an archive or a URL, follow the run, read the results.

Built on the same `sandbox.jobs.service` functions as `/api/v1/sandbox/...` (the JSON twins:
`GET /api/v1/sandbox/tasks` and `GET /api/v1/sandbox/runs/{id}`). In an organisation's context, a
candidate whose sitting of an assessment with this task is open submits for that sitting: the page
says so, the forms carry its id, and the run is shown to the organisation's reviewers beside the
written answers (`assessments.hands_on`).
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, File, Form, Request, UploadFile
from sqlmodel import Session
from starlette.responses import Response

from assessments import hands_on
from assessments.models import Assessment, Sitting
from prodready.accounts.principal import Principal
from prodready.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge
from prodready.settings import Settings
from sandbox.jobs import count_run_status, service, uploads
from sandbox.kit_archive import task_summary
from sandbox.models import FINISHED, RunMode, RunStatus, SandboxRun
from sandbox.target_url import check_target_url
from sandbox.tasks import get_task, task_ids
from web import htmx
from web.assessments import page_now
from web.deps import CurrentOrgDep, OrgChoice, PagePrincipalDep, PageSessionDep, PageSettingsDep
from web.templating import render, render_fragment

router = APIRouter()
TaskId = Annotated[str, Form(max_length=64)]
IdempotencyKey = Annotated[str, Form(max_length=64)]
SittingId = Annotated[str, Form(max_length=32)]


def _task(task_id: str):  # noqa: ANN202 - the registry's task object
    if task_id not in task_ids():
        raise NotFound(f"No sandbox task {task_id!r}.")
    return get_task(task_id)


def _open_sitting(request: Request, session: Session, principal: Principal, org: OrgChoice | None,
                  task_id: str) -> tuple[Sitting, Assessment] | None:
    """The candidate's open sitting in the chosen organisation that a run of this task counts for, if any."""
    if org is None:
        return None
    found = hands_on.open_task_sittings(session, principal.user.id, org_id=org.id, task_id=task_id,
                                        now=page_now(request))
    return found[0] if found else None


def _task_page(request: Request, task_id: str, *, errors: list[str] | None = None, url: str = "",
               status_code: int = 200, for_sitting: tuple[Sitting, Assessment] | None = None) -> Response:
    task = _task(task_id)
    context = {
        "title": task.title, "task_id": task_id, "task": task, "summary": task_summary(task_id),
        "description": task.kit_files().get("TASK.md", b"").decode("utf-8", "replace"),
        "checks": task.check_plan(), "errors": errors or [], "url": url,
        "idempotency_key": secrets.token_urlsafe(16), "for_sitting": for_sitting,
    }
    return render(request, "sandbox/task.html", context, status_code=status_code)


def _run_sitting(request: Request, session: Session, principal: Principal, org: OrgChoice | None, task_id: str,
                 sitting_id: str) -> Sitting | None:
    """The sitting the new run counts for (404 for someone else's); a closed one is refused with the reason."""
    return hands_on.sitting_for_run(session, principal.user, task_id=task_id, org_id=org.id if org else None,
                                    sitting_id=sitting_id or None, now=page_now(request))


def _accepted(request: Request, background: BackgroundTasks, created: service.Created) -> Response:
    if created.new:
        # dispatched after the response, so after the commit: a worker always finds the row
        background.add_task(request.app.state.sandbox_dispatcher.dispatch, created.run.id)
        count_run_status(request.app.state.metrics, RunStatus.QUEUED)
    response = htmx.redirect(request, f"/sandbox/runs/{created.run.id}")
    response.background = background
    return response


@router.get("/sandbox")
def sandbox_home(request: Request, principal: PagePrincipalDep, session: PageSessionDep) -> Response:
    tasks = [(task_id, get_task(task_id).title, task_summary(task_id)) for task_id in task_ids()]
    runs = service.my_runs(session, principal.user, limit=20)
    return render(request, "sandbox/index.html", {"title": "Sandbox task", "tasks": tasks, "runs": runs})


@router.get("/sandbox/tasks/{task_id}")
def task_page(task_id: str, request: Request, principal: PagePrincipalDep, session: PageSessionDep,
              org: CurrentOrgDep) -> Response:
    _task(task_id)
    return _task_page(request, task_id, for_sitting=_open_sitting(request, session, principal, org, task_id))


@router.post("/sandbox/tasks/{task_id}/url")
def submit_url(
    task_id: str, request: Request, background: BackgroundTasks, principal: PagePrincipalDep,
    session: PageSessionDep, settings: PageSettingsDep, org: CurrentOrgDep,
    url: Annotated[str, Form(max_length=2048)] = "", idempotency_key: IdempotencyKey = "", sitting_id: SittingId = "",
) -> Response:
    _task(task_id)
    try:
        target = check_target_url(url, settings)
        sitting = _run_sitting(request, session, principal, org, task_id, sitting_id)
    except (InvalidInput, Conflict) as exc:
        return _task_page(request, task_id, errors=[exc.detail], url=url, status_code=exc.status,
                          for_sitting=_open_sitting(request, session, principal, org, task_id))
    new = service.NewRun(task_id=task_id, mode=RunMode.URL, target_url=target,
                         org=sitting.org_id if sitting else (org.id if org else None),
                         sitting_id=sitting.id if sitting else None)
    created = service.create_run(session, principal.user, new, idempotency_key=idempotency_key or None)
    return _accepted(request, background, created)


@router.post("/sandbox/tasks/{task_id}/archive")
def submit_archive(
    task_id: str, request: Request, background: BackgroundTasks, principal: PagePrincipalDep,
    session: PageSessionDep, settings: PageSettingsDep, org: CurrentOrgDep,
    archive: Annotated[UploadFile | None, File()] = None, idempotency_key: IdempotencyKey = "",
    sitting_id: SittingId = "",
) -> Response:
    _task(task_id)
    for_sitting = _open_sitting(request, session, principal, org, task_id)
    if archive is None or not archive.filename:
        return _task_page(request, task_id, errors=["Choose the archive of your project (.zip or .tar.gz)."],
                          status_code=422, for_sitting=for_sitting)
    try:
        sitting = _run_sitting(request, session, principal, org, task_id, sitting_id)
    except (InvalidInput, Conflict) as exc:
        return _task_page(request, task_id, errors=[exc.detail], status_code=exc.status, for_sitting=for_sitting)
    try:
        stored = uploads.store_upload(archive.file, archive.filename, uploads_dir=settings.sandbox_dir / "uploads",
                                      max_bytes=settings.max_upload_bytes)
    except (InvalidInput, PayloadTooLarge) as exc:
        return _task_page(request, task_id, errors=[exc.detail], status_code=exc.status, for_sitting=for_sitting)
    try:
        new = service.NewRun(task_id=task_id, mode=RunMode.ARCHIVE, archive_sha256=stored.sha256,
                             archive_bytes=stored.size, archive_suffix=stored.suffix,
                             org=sitting.org_id if sitting else (org.id if org else None),
                             sitting_id=sitting.id if sitting else None)
        created = service.create_run(session, principal.user, new, idempotency_key=idempotency_key or None)
        if created.new:
            uploads.keep(stored, settings.data_dir / (created.run.archive_path or ""))
    finally:
        uploads.discard(stored)  # a replay or an error keeps nothing of this upload
    return _accepted(request, background, created)


def _run_context(run: SandboxRun, settings: Settings) -> dict:
    report = run.report or {}
    # the file, not the column: an archive deleted outside housekeeping still has its `archive_path`
    archive_gone = run.mode == RunMode.ARCHIVE and not uploads.still_stored(settings.data_dir, run.archive_path)
    # The task's title would load its model; the run page is polled, so it names the task by id.
    return {"run": run, "report": report, "checks": report.get("checks", []), "finished": run.status in FINISHED,
            "task_title": run.task_id, "archive_gone": archive_gone}


@router.get("/sandbox/runs/{run_id}")
def run_page(run_id: str, request: Request, principal: PagePrincipalDep, session: PageSessionDep,
             settings: PageSettingsDep) -> Response:
    run = service.visible_run(session, principal.user, run_id)
    context = {"title": "Sandbox run", **_run_context(run, settings)}
    return render_fragment(request, "sandbox/run.html", "sandbox/_run_status.html", context)


@router.post("/sandbox/runs/{run_id}/cancel")
def cancel(run_id: str, request: Request, principal: PagePrincipalDep, session: PageSessionDep) -> Response:
    service.cancel_run(session, principal.user, run_id)
    count_run_status(request.app.state.metrics, RunStatus.CANCELLED)
    return htmx.redirect(request, f"/sandbox/runs/{run_id}")
