"""The embedded default: a few worker threads inside the server process.

Started and stopped with the app. At start, and then every `sandbox_reap_seconds`, it reaps
expired leases and re-dispatches queued runs, so runs left by a restart are picked up again, and
it sweeps expired uploads and dead runs' directories (sandbox/jobs/housekeeping.py).
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

from prodready.db import Database
from prodready.observability import get_logger
from prodready.settings import Settings
from sandbox.execute import Executor, execute_run
from sandbox.jobs import housekeeping, leases
from sandbox.jobs.worker import StatusHook, process_run, worker_name

log = get_logger("sandbox.jobs")


class InProcessDispatcher:
    def __init__(self, database: Database, settings: Settings, *, executor: Executor = execute_run,
                 on_status: StatusHook | None = None) -> None:
        self.database, self.settings, self.executor, self.on_status = database, settings, executor, on_status
        self.worker_id = worker_name("server")
        self._stopping = threading.Event()
        self._pending: set[str] = set()
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._reaper: threading.Thread | None = None

    @property
    def workers(self) -> int:
        return self.settings.sandbox_workers

    async def start(self) -> None:
        if self.workers == 0:
            return
        self._stopping.clear()
        self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="sandbox-run")
        self._reaper = threading.Thread(target=self._reap_forever, daemon=True, name="sandbox-reaper")
        self._reaper.start()

    async def stop(self) -> None:
        self._stopping.set()
        if self._reaper is not None:
            await asyncio.to_thread(self._reaper.join, 10)
        if self._pool is not None:
            # running runs see `_stopping`, stop their service and hand the run back
            await asyncio.to_thread(self._pool.shutdown, wait=True, cancel_futures=True)
        self._pool = self._reaper = None

    async def dispatch(self, run_id: str, attempt: int = 0) -> None:
        self.submit(run_id)

    def submit(self, run_id: str) -> None:
        with self._lock:
            if self._pool is None or self._stopping.is_set() or run_id in self._pending:
                return
            self._pending.add(run_id)
            self._pool.submit(self._work, run_id)

    def _work(self, run_id: str) -> None:
        try:
            process_run(self.database, self.settings, run_id, worker_id=self.worker_id, executor=self.executor,
                        stopping=self._stopping, on_status=self.on_status)
        except Exception:
            log.exception("sandbox run could not be processed", run_id=run_id)
        finally:
            with self._lock:
                self._pending.discard(run_id)

    def sweep(self, *, waiting_for: float) -> None:
        try:
            reaped = leases.reap(self.database, max_attempts=self.settings.sandbox_max_attempts)
            for run_id in reaped.failed:
                log.warning("sandbox run failed: its worker stopped responding", run_id=run_id)
                if self.on_status is not None:
                    self.on_status("failed")
            lost = leases.waiting(self.database, older_than_seconds=waiting_for)
            for run_id, _attempts in [*reaped.requeued, *lost]:
                self.submit(run_id)
        finally:  # a failed reap does not stop the files from being swept
            housekeeping.housekeep(self.database, self.settings)

    def _reap_forever(self) -> None:
        waiting_for = 0.0  # at start every queued run is picked up; later only those a dispatch missed
        while not self._stopping.is_set():
            try:
                self.sweep(waiting_for=waiting_for)
            except Exception:
                log.warning("sandbox reaper pass failed", exc_info=True)
            waiting_for = self.settings.sandbox_reap_seconds
            self._stopping.wait(self.settings.sandbox_reap_seconds)
