"""Sandbox runs as jobs: queued in the database, executed by workers under a lease.

`build_dispatcher` picks where runs execute: threads inside the server (the embedded
default), or `prodready worker` processes fed through Redis when PRODREADY_REDIS_URL is set.
"""

from __future__ import annotations

from typing import Protocol

from prodready.db import Database
from prodready.observability import Metrics
from prodready.settings import Settings


class Dispatcher(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def dispatch(self, run_id: str, attempt: int = 0) -> None: ...


def count_run_status(metrics: Metrics, status: str) -> None:
    metrics.counter(
        "prodready_sandbox_runs_total", "Sandbox runs by the status they reached", ("status",)
    ).labels(status=status).inc()


def build_dispatcher(database: Database, settings: Settings, *, on_status=None) -> Dispatcher:  # noqa: ANN001
    from sandbox.execute import selected_checks

    selected_checks(settings)  # a mistyped check id stops the start, not every run
    if settings.redis_url:
        from sandbox.jobs.queue import QueueDispatcher

        return QueueDispatcher(settings)
    from sandbox.jobs.inprocess import InProcessDispatcher

    return InProcessDispatcher(database, settings, on_status=on_status)
