"""The hands-on sandbox: tasks, starter kits, and runs (a URL to probe, or an archive to run isolated)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, File, Form, Header, Query, Request, Response, UploadFile
from pydantic import BaseModel, Field
from sqlmodel import Session

from api.assessments import NowDep
from api.deps import PrincipalDep, SessionDep, SettingsDep
from assessments import hands_on
from prodready.accounts.models import User
from prodready.accounts.scope import member_scope
from prodready.errors import InvalidInput, NotFound
from sandbox.jobs import count_run_status, service, uploads
from sandbox.kit_archive import kit_zip, task_summary
from sandbox.models import RunMode, RunStatus, SandboxRun
from sandbox.target_url import check_target_url
from sandbox.tasks import get_task, task_ids

router = APIRouter(prefix="/sandbox", tags=["sandbox"])
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=255)]


class TaskOut(BaseModel):
    id: str
    title: str
    summary: str
    checks: list[dict[str, Any]]
    kit_url: str


class UrlRunIn(BaseModel):
    task: str = Field(max_length=64)
    url: str = Field(max_length=2048, description="base URL of the candidate's deployed service")
    org: str | None = Field(default=None, max_length=64, description="attach the run to this organisation")
    sitting_id: str | None = Field(
        default=None, max_length=32,
        description="your open assessment sitting this run counts for; without it, a run attached to an "
                    "organisation counts for your open sitting there whose assessment includes the task")


class RunOut(BaseModel):
    id: str
    task: str
    mode: str
    status: str
    verdict: str | None
    score: float | None
    target_url: str | None
    archive_sha256: str | None
    archive_bytes: int | None
    archive_stored: bool | None = Field(
        description="whether the uploaded archive is still on disk: false once it was deleted, "
                    "PRODREADY_SANDBOX_UPLOAD_RETENTION_HOURS after the run finished or by other means; "
                    "null for URL runs")
    org_id: str | None
    sitting_id: str | None = Field(description="the assessment sitting the run counts for, if any")
    user_id: str
    attempts: int
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class RunDetail(RunOut):
    report: dict[str, Any] | None
    isolation: list[dict[str, Any]] | None
    resources: dict[str, Any] | None
    timings: dict[str, Any] | None
    logs: str | None


def _out(run: SandboxRun, data_dir: Path, model: type[RunOut] = RunOut) -> Any:
    # read the columns directly: loaded rows hold plain strings where the model declares enums
    values = {name: getattr(run, name) for name in model.model_fields if name not in ("task", "archive_stored")}
    # the file, not the column: an archive deleted outside housekeeping still has its `archive_path`
    stored = uploads.still_stored(data_dir, run.archive_path) if run.mode == RunMode.ARCHIVE else None
    return model(**values, task=run.task_id, archive_stored=stored)


def _for_sitting(session: Session, user: User, task: str, org: str | None, sitting_id: str | None,
                 at: datetime) -> tuple[str | None, str | None]:
    """(organisation, sitting) of a new run: a run for an assessment belongs to the assessment's organisation."""
    org_id = member_scope(session, user, org).org.id if org else None  # 404 first for a non-member
    sitting = hands_on.sitting_for_run(session, user, task_id=task, org_id=org_id, sitting_id=sitting_id, now=at)
    if sitting is None:
        return org, None
    if org_id is not None and sitting.org_id != org_id:
        raise InvalidInput("That assessment sitting is in another organisation; name its organisation or none.")
    return org or sitting.org_id, sitting.id


def _count(request: Request, status: str) -> None:
    count_run_status(request.app.state.metrics, status)


def _accepted(request: Request, response: Response, background: BackgroundTasks, created: service.Created,
              data_dir: Path) -> Any:
    response.headers["Location"] = f"{request.url_for('get_run', run_id=created.run.id).path}"
    if not created.new:
        response.status_code = 200
        return _out(created.run, data_dir, RunDetail)
    # dispatched after the response, so after the commit: a worker always finds the row
    background.add_task(request.app.state.sandbox_dispatcher.dispatch, created.run.id)
    _count(request, RunStatus.QUEUED)
    return _out(created.run, data_dir, RunDetail)


@router.get("/tasks", response_model=list[TaskOut])
def list_tasks(request: Request) -> list[TaskOut]:
    out = []
    for task_id in task_ids():
        task = get_task(task_id)
        checks = [{"id": plan.check_id, "weight": plan.weight} for plan in task.check_plan()]
        kit = request.url_for("task_kit", task_id=task_id).path
        out.append(TaskOut(id=task_id, title=task.title, summary=task_summary(task_id), checks=checks, kit_url=kit))
    return out


@router.get("/tasks/{task_id}/kit", response_class=Response, name="task_kit",
            responses={200: {"content": {"application/zip": {}}}})
def task_kit(task_id: str) -> Response:
    if task_id not in task_ids():
        raise NotFound(f"No task {task_id!r}.")
    return Response(kit_zip(task_id), media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{task_id}-kit.zip"'})


@router.post("/runs", status_code=201, response_model=RunDetail)
def create_url_run(body: UrlRunIn, request: Request, response: Response, background: BackgroundTasks,
                   session: SessionDep, principal: PrincipalDep, settings: SettingsDep, at: NowDep,
                   idempotency_key: IdempotencyKey = None) -> Any:
    url = check_target_url(body.url, settings)
    org, sitting_id = _for_sitting(session, principal.user, body.task, body.org, body.sitting_id, at)
    new = service.NewRun(task_id=body.task, mode=RunMode.URL, target_url=url, org=org, sitting_id=sitting_id)
    created = service.create_run(session, principal.user, new, idempotency_key=idempotency_key)
    return _accepted(request, response, background, created, settings.data_dir)


@router.post("/runs/archive", status_code=201, response_model=RunDetail)
def create_archive_run(
    request: Request, response: Response, background: BackgroundTasks, session: SessionDep,
    principal: PrincipalDep, settings: SettingsDep, at: NowDep,
    task: Annotated[str, Form(max_length=64)], file: Annotated[UploadFile, File(description="the project archive")],
    org: Annotated[str | None, Form(max_length=64)] = None,
    sitting_id: Annotated[str | None, Form(max_length=32)] = None, idempotency_key: IdempotencyKey = None,
) -> Any:
    org, sitting_id = _for_sitting(session, principal.user, task, org, sitting_id, at)
    uploads_dir = settings.sandbox_dir / "uploads"
    stored = uploads.store_upload(file.file, file.filename, uploads_dir=uploads_dir,
                                  max_bytes=settings.max_upload_bytes)
    try:
        new = service.NewRun(task_id=task, mode=RunMode.ARCHIVE, archive_sha256=stored.sha256,
                             archive_bytes=stored.size, archive_suffix=stored.suffix, org=org,
                             sitting_id=sitting_id)
        created = service.create_run(session, principal.user, new, idempotency_key=idempotency_key)
        if created.new:
            uploads.keep(stored, settings.data_dir / (created.run.archive_path or ""))
    finally:
        uploads.discard(stored)  # a replay or an error keeps nothing of this upload
    return _accepted(request, response, background, created, settings.data_dir)


@router.get("/runs", response_model=list[RunOut])
def list_my_runs(session: SessionDep, principal: PrincipalDep, settings: SettingsDep, status: RunStatus | None = None,
                 limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[RunOut]:
    runs = service.my_runs(session, principal.user, limit=limit, status=status)
    return [_out(run, settings.data_dir) for run in runs]


@router.get("/runs/{run_id}", response_model=RunDetail, name="get_run")
def get_run(run_id: str, session: SessionDep, principal: PrincipalDep, settings: SettingsDep) -> Any:
    return _out(service.visible_run(session, principal.user, run_id), settings.data_dir, RunDetail)


@router.post("/runs/{run_id}/cancel", response_model=RunDetail)
def cancel_run(run_id: str, request: Request, session: SessionDep, principal: PrincipalDep,
               settings: SettingsDep) -> Any:
    run = service.cancel_run(session, principal.user, run_id)
    _count(request, RunStatus.CANCELLED)
    return _out(run, settings.data_dir, RunDetail)
