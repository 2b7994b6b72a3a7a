"""Who may execute a run, decided by the database alone.

Every transition is one conditional UPDATE, so two workers (threads, processes or machines)
racing for the same run cannot both win: the loser's WHERE no longer matches. A claim takes a
lease; heartbeats extend it; a lease nobody extends expires and the reaper takes the run back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update

from credentials import webhooks
from prodready.db import Database, utcnow
from sandbox.models import RunStatus, SandboxRun

WORKER_LOST = "the worker stopped responding"

_T = SandboxRun.__table__.c  # type: ignore[attr-defined]


def _change(database: Database, where: Any, values: dict[str, Any]) -> bool:
    with database.unit_of_work() as session:
        result = session.execute(update(SandboxRun).where(where).values(**values))
        return result.rowcount == 1  # type: ignore[attr-defined]


def claim(database: Database, run_id: str, worker_id: str, *, lease_seconds: float, max_attempts: int) -> bool:
    """Take the run if it is queued, or running under a lease that expired with tries left."""
    now = utcnow()
    claimable = or_(
        _T.status == RunStatus.QUEUED,
        and_(_T.status == RunStatus.RUNNING, _T.lease_expires_at < now, _T.attempts < max_attempts),
    )
    return _change(database, and_(_T.id == run_id, claimable), {
        "status": RunStatus.RUNNING, "worker_id": worker_id, "attempts": _T.attempts + 1,
        "lease_expires_at": now + timedelta(seconds=lease_seconds), "heartbeat_at": now, "started_at": now,
        "error": None,
    })


def _mine(run_id: str, worker_id: str) -> Any:
    return and_(_T.id == run_id, _T.worker_id == worker_id, _T.status == RunStatus.RUNNING)


def heartbeat(database: Database, run_id: str, worker_id: str, *, lease_seconds: float) -> bool:
    """Extend the lease; False when the run is no longer ours (cancelled, or reaped after a stall)."""
    now = utcnow()
    return _change(database, _mine(run_id, worker_id), {
        "lease_expires_at": now + timedelta(seconds=lease_seconds), "heartbeat_at": now,
    })


def finish(database: Database, run_id: str, worker_id: str, values: dict[str, Any]) -> bool:
    """Record the result, only if the run is still ours; a cancelled or reaped run keeps its state.

    An organisation's run also queues its `sandbox_run.finished` webhook in the same transaction.
    """
    values = {**values, "finished_at": utcnow(), "lease_expires_at": None}
    with database.unit_of_work() as session:
        changed = session.execute(update(SandboxRun).where(_mine(run_id, worker_id)).values(**values)).rowcount
        run = session.get(SandboxRun, run_id) if changed == 1 else None
        if run is not None and run.org_id:
            webhooks.emit(session, run.org_id, "sandbox_run.finished", {
                "run_id": run.id, "task_id": run.task_id, "candidate_id": run.user_id, "sitting_id": run.sitting_id,
                "status": str(run.status),
                "score": run.score, "finished_at": run.finished_at.isoformat() if run.finished_at else None,
            })
        return changed == 1


def release(database: Database, run_id: str, worker_id: str) -> bool:
    """Hand a run back untried (the worker is shutting down): queued again, the attempt not counted."""
    return _change(database, _mine(run_id, worker_id), {
        "status": RunStatus.QUEUED, "worker_id": None, "lease_expires_at": None, "attempts": _T.attempts - 1,
    })


def cancel(database_or_session: Any, run_id: str) -> bool:
    where = and_(_T.id == run_id, _T.status.in_([RunStatus.QUEUED, RunStatus.RUNNING]))
    values = {"status": RunStatus.CANCELLED, "finished_at": utcnow(), "lease_expires_at": None,
              "error": "cancelled by its owner"}
    if isinstance(database_or_session, Database):
        return _change(database_or_session, where, values)
    result = database_or_session.execute(update(SandboxRun).where(where).values(**values))
    return result.rowcount == 1


@dataclass(frozen=True)
class Reaped:
    requeued: list[tuple[str, int]]  # (run id, attempts so far): dispatch these again
    failed: list[str]


def reap(database: Database, *, max_attempts: int) -> Reaped:
    """Take back every run whose lease expired: queued again while tries remain, else failed."""
    now = utcnow()
    with database.unit_of_work(write=False) as session:  # a read first: most sweeps find nothing
        expired = session.execute(
            select(_T.id, _T.attempts).where(_T.status == RunStatus.RUNNING, _T.lease_expires_at < now)
        ).all()
    requeued, failed = [], []
    for run_id, attempts in expired:
        lapsed = and_(_T.id == run_id, _T.status == RunStatus.RUNNING, _T.lease_expires_at < now)
        if attempts < max_attempts:
            if _change(database, lapsed, {"status": RunStatus.QUEUED, "worker_id": None,
                                          "lease_expires_at": None, "error": f"retrying: {WORKER_LOST}"}):
                requeued.append((run_id, attempts))
        elif _change(database, lapsed, {"status": RunStatus.FAILED, "lease_expires_at": None,
                                        "finished_at": now, "error": f"{WORKER_LOST} ({attempts} attempts)"}):
            failed.append(run_id)
    return Reaped(requeued=requeued, failed=failed)


def waiting(database: Database, *, older_than_seconds: float) -> list[tuple[str, int]]:
    """Queued runs older than this: their dispatch may have been lost (a restart, Redis briefly down)."""
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    with database.unit_of_work(write=False) as session:
        rows = session.execute(
            select(_T.id, _T.attempts).where(_T.status == RunStatus.QUEUED, _T.created_at <= cutoff)
            .order_by(_T.created_at).limit(500)
        ).all()
    return [(run_id, attempts) for run_id, attempts in rows]
