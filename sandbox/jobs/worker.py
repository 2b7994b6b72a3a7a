"""Execute one run under a lease: claim, heartbeat while executing, record the result.

Both dispatchers (threads in the server, `prodready worker` processes) call `process_run`;
it blocks, so async callers run it in a thread.
"""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Callable

from prodready.db import Database
from prodready.observability import get_logger
from prodready.settings import Settings
from sandbox.execute import Execution, Executor, RunSpec, execute_run
from sandbox.jobs import leases
from sandbox.models import RunStatus, SandboxRun

log = get_logger("sandbox.jobs")
StatusHook = Callable[[str], None]


def worker_name(kind: str) -> str:
    return f"{kind}:{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _keep_lease(database: Database, settings: Settings, run_id: str, worker_id: str,
                done: threading.Event, cancel: threading.Event) -> None:
    while not done.wait(settings.sandbox_heartbeat_seconds):
        try:
            still_ours = leases.heartbeat(database, run_id, worker_id, lease_seconds=settings.sandbox_lease_seconds)
        except Exception:  # a database blip: try again next beat; the lease covers a few misses
            log.warning("sandbox heartbeat failed", run_id=run_id, exc_info=True)
            continue
        if not still_ours:
            log.info("sandbox run taken away (cancelled or reaped); stopping it", run_id=run_id)
            cancel.set()
            return


def process_run(
    database: Database,
    settings: Settings,
    run_id: str,
    *,
    worker_id: str,
    executor: Executor = execute_run,
    stopping: threading.Event | None = None,
    on_status: StatusHook | None = None,
) -> str | None:
    """Run `run_id` if this worker wins the claim; returns the status recorded, or None."""
    if not leases.claim(database, run_id, worker_id, lease_seconds=settings.sandbox_lease_seconds,
                        max_attempts=settings.sandbox_max_attempts):
        return None
    with database.unit_of_work(write=False) as session:
        run = session.get(SandboxRun, run_id)
        assert run is not None
        spec = RunSpec.of(run, settings)
    log.info("sandbox run started", run_id=run_id, worker_id=worker_id, mode=spec.mode, task=spec.task_id)
    done, cancel = threading.Event(), threading.Event()
    beats = threading.Thread(
        target=_keep_lease, args=(database, settings, run_id, worker_id, done, cancel), daemon=True,
        name=f"lease-{run_id[:8]}",
    )
    beats.start()
    watcher = _forward(stopping, cancel, done)
    try:
        execution = executor(spec, settings, cancel)
    except Exception as exc:  # a platform bug: the run failed, and the candidate is told so plainly
        log.exception("sandbox run crashed", run_id=run_id)
        execution = Execution(RunStatus.FAILED, error=f"the platform failed while running this: {type(exc).__name__}")
    finally:
        done.set()
        beats.join()
        if watcher is not None:
            watcher.join()
    if stopping is not None and stopping.is_set() and execution.status == RunStatus.CANCELLED:
        # interrupted by our own shutdown, not by its owner: hand it back for another worker
        leases.release(database, run_id, worker_id)
        log.info("sandbox run handed back at shutdown", run_id=run_id)
        return RunStatus.QUEUED
    if not leases.finish(database, run_id, worker_id, execution.columns(settings.sandbox_log_bytes)):
        log.info("sandbox run result discarded: the run is no longer ours", run_id=run_id)
        return None
    log.info("sandbox run finished", run_id=run_id, status=execution.status, verdict=execution.verdict)
    if on_status is not None:
        on_status(execution.status)
    return execution.status


def _forward(stopping: threading.Event | None, cancel: threading.Event,
             done: threading.Event) -> threading.Thread | None:
    """Turn a worker-wide shutdown into this run's cancellation."""
    if stopping is None:
        return None

    def wait() -> None:
        while not done.wait(0.2):
            if stopping.is_set():
                cancel.set()
                return

    thread = threading.Thread(target=wait, daemon=True, name="shutdown-watch")
    thread.start()
    return thread
