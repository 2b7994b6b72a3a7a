"""At scale: runs go through a saq queue on Redis to `prodready worker` processes.

Redis only carries "run X now"; the database row stays the truth. A job claims its run with a
lease before doing anything, so a duplicate or stale job is a no-op. The job key includes the
run's attempt count: a job left "active" in Redis by a killed worker cannot block the retry.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import Any

from saq import Queue, Worker

from prodready.db import Database
from prodready.observability import get_logger
from prodready.settings import Settings
from sandbox.execute import Executor, execute_run
from sandbox.jobs import housekeeping, leases
from sandbox.jobs.worker import process_run, worker_name

JOB_FUNCTION = "sandbox_run"
log = get_logger("sandbox.jobs")


def make_queue(settings: Settings) -> Queue:
    if not settings.redis_url:
        raise ValueError("PRODREADY_REDIS_URL is not set: there is no queue to work on")
    return Queue.from_url(settings.redis_url, name=settings.sandbox_queue_name)


async def enqueue_run(queue: Queue, settings: Settings, run_id: str, attempt: int) -> None:
    await queue.enqueue(
        JOB_FUNCTION, run_id=run_id, key=f"run:{run_id}:{attempt}", retries=1,
        # saq's own timeout only backs up the run's deadline; the lease decides what happens next
        timeout=int(settings.sandbox_run_seconds + settings.sandbox_lease_seconds + 60), ttl=3600,
    )


class QueueDispatcher:
    """What the server uses when Redis is configured: enqueue only, never execute."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.queue: Queue | None = None

    async def start(self) -> None:
        queue = make_queue(self.settings)
        try:
            await queue.connect()
        except Exception:  # Redis down at start must not stop the API; runs wait queued in the database
            log.warning("the sandbox queue is not reachable yet", exc_info=True)
            return
        self.queue = queue

    async def stop(self) -> None:
        if self.queue is not None:
            await self.queue.disconnect()
            self.queue = None

    async def dispatch(self, run_id: str, attempt: int = 0) -> None:
        try:
            if self.queue is None:
                await self.start()
            await enqueue_run(self.queue, self.settings, run_id, attempt)  # type: ignore[arg-type]
        except Exception:
            # the run stays queued in the database; a worker's sweep dispatches it again
            log.warning("sandbox run could not be enqueued; a worker sweep will retry", run_id=run_id,
                        exc_info=True)


async def sweep(queue: Queue, database: Database, settings: Settings, *, waiting_for: float) -> None:
    reaped = await asyncio.to_thread(leases.reap, database, max_attempts=settings.sandbox_max_attempts)
    for run_id in reaped.failed:
        log.warning("sandbox run failed: its worker stopped responding", run_id=run_id)
    lost = await asyncio.to_thread(leases.waiting, database, older_than_seconds=waiting_for)
    for run_id, attempts in [*reaped.requeued, *lost]:
        await enqueue_run(queue, settings, run_id, attempts)


async def _reap_forever(queue: Queue, database: Database, settings: Settings, stopping: threading.Event) -> None:
    while not stopping.is_set():
        try:
            await sweep(queue, database, settings, waiting_for=settings.sandbox_reap_seconds * 2)
        except Exception:
            log.warning("sandbox reaper pass failed", exc_info=True)
        # apart from the reaping: Redis being down must not stop the files from being swept
        await asyncio.to_thread(housekeeping.housekeep, database, settings)
        await asyncio.sleep(settings.sandbox_reap_seconds)


def build_worker(database: Database, settings: Settings, *, concurrency: int,
                 executor: Executor = execute_run) -> Worker:
    """A saq worker: executes runs (the blocking runner in a thread), reaps expired leases, sweeps files."""
    from sandbox.execute import selected_checks

    selected_checks(settings)
    queue = make_queue(settings)
    worker_id = worker_name("worker")
    stopping = threading.Event()

    async def sandbox_run(ctx: dict[str, Any], *, run_id: str) -> str | None:
        return await asyncio.to_thread(
            process_run, database, settings, run_id, worker_id=worker_id, executor=executor, stopping=stopping,
        )

    async def startup(ctx: dict[str, Any]) -> None:
        log.info("sandbox worker started", worker_id=worker_id, queue=settings.sandbox_queue_name,
                 concurrency=concurrency)
        ctx["reaper"] = asyncio.create_task(_reap_forever(queue, database, settings, stopping))

    async def shutdown(ctx: dict[str, Any]) -> None:
        stopping.set()  # running runs stop their service and go back to the queue
        reaper = ctx.get("reaper")
        if reaper is not None:
            reaper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reaper
        log.info("sandbox worker stopped", worker_id=worker_id)

    return Worker(queue, functions=[(JOB_FUNCTION, sandbox_run)], concurrency=concurrency,
                  startup=startup, shutdown=shutdown)
