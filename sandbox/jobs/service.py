"""Creating, reading and cancelling runs: the rules, shared by every surface.

Creating is idempotent per user: the same idempotency key with the same request returns the
run made the first time (with the assessment sitting it was made for, if any); with a different
request it is a conflict. Reading is for the run's owner, or an interviewer or admin of the
organisation the run was attached to; everyone else gets 404.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from prodready.accounts.models import Role, User
from prodready.accounts.scope import member_scope
from prodready.errors import Conflict, InvalidInput, NotFound
from sandbox.jobs import leases
from sandbox.models import FINISHED, RunMode, RunStatus, SandboxRun
from sandbox.tasks import task_ids


@dataclass(frozen=True)
class NewRun:
    task_id: str
    mode: RunMode
    target_url: str | None = None
    archive_sha256: str | None = None
    archive_bytes: int | None = None
    archive_suffix: str | None = None
    org: str | None = None
    # Checked by the caller: the candidate's open sitting of an assessment with this task. Not part of the
    # digest: it may be inferred from the organisation, so a replay after the sitting closed still matches.
    sitting_id: str | None = None

    def digest(self) -> str:
        fields = [self.task_id, self.mode, self.target_url, self.archive_sha256, self.org]
        return hashlib.sha256(json.dumps(fields).encode()).hexdigest()


@dataclass(frozen=True)
class Created:
    run: SandboxRun
    new: bool


def _by_key(session: Session, user: User, key: str) -> SandboxRun | None:
    return session.exec(
        select(SandboxRun).where(SandboxRun.user_id == user.id, SandboxRun.idempotency_key == key)
    ).first()


def _replay(existing: SandboxRun, request: NewRun) -> Created:
    if existing.request_digest != request.digest():
        raise Conflict("This Idempotency-Key was already used for a different run; use a new key.")
    return Created(existing, new=False)


def create_run(session: Session, user: User, request: NewRun, *, idempotency_key: str | None) -> Created:
    if request.task_id not in task_ids():
        raise InvalidInput(f"Unknown task {request.task_id!r}; known tasks: {', '.join(task_ids())}.")
    if idempotency_key is not None:
        existing = _by_key(session, user, idempotency_key)
        if existing is not None:
            return _replay(existing, request)
    org_id = member_scope(session, user, request.org).org.id if request.org else None
    if request.sitting_id is not None and org_id is None:
        raise InvalidInput("A run for an assessment belongs to the assessment's organisation; name it.")
    run = SandboxRun(
        user_id=user.id, org_id=org_id, sitting_id=request.sitting_id, task_id=request.task_id, mode=request.mode,
        target_url=request.target_url,
        archive_sha256=request.archive_sha256, archive_bytes=request.archive_bytes,
        idempotency_key=idempotency_key, request_digest=request.digest(),
    )
    if request.mode == RunMode.ARCHIVE:
        run.archive_path = f"sandbox/uploads/{run.id}{request.archive_suffix}"
    try:
        with session.begin_nested():  # the same key sent twice at once: the second sees the first
            session.add(run)
    except IntegrityError:
        existing = _by_key(session, user, idempotency_key or "")
        if existing is None:
            raise
        return _replay(existing, request)
    return Created(run, new=True)


def visible_run(session: Session, user: User, run_id: str) -> SandboxRun:
    run = session.get(SandboxRun, run_id)
    if run is None:
        raise NotFound("No such sandbox run.")
    if run.user_id == user.id:
        return run
    if run.org_id is not None:
        scope = member_scope(session, user, run.org_id)  # 404 for anyone outside the organisation
        if scope.role in (Role.INTERVIEWER, Role.ADMIN):
            return scope.get(SandboxRun, run_id)
    raise NotFound("No such sandbox run.")


def my_runs(session: Session, user: User, *, limit: int = 50, status: RunStatus | None = None) -> list[SandboxRun]:
    query = select(SandboxRun).where(SandboxRun.user_id == user.id)
    if status is not None:
        query = query.where(SandboxRun.status == status)
    return list(session.exec(query.order_by(col(SandboxRun.created_at).desc()).limit(limit)).all())


def cancel_run(session: Session, user: User, run_id: str) -> SandboxRun:
    run = session.get(SandboxRun, run_id)
    if run is None or run.user_id != user.id:
        raise NotFound("No such sandbox run.")
    if run.status in FINISHED or not leases.cancel(session, run_id):
        session.refresh(run)
        raise Conflict(f"The run has already finished ({run.status}); only queued or running runs can be cancelled.")
    session.refresh(run)
    return run
