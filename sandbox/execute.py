"""Perform one run: the one place that calls the prober and the isolated runner.

An `Executor` takes what to run, the settings and a cancellation event, and returns an
`Execution` (the columns to record). Workers accept any executor with that signature: this is
the seam tests use to inject a slow or failing execution. A run that could not be performed
records `could_not_run` with the reason; nothing here invents a result.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from prodready.settings import Settings
from sandbox.models import RunMode, RunStatus, SandboxRun
from sandbox.options import ProbeOptions
from sandbox.report import OverallVerdict, ProbeReport

_CANCEL_POLL_SECONDS = 0.2
# A platform run's directory under the work root: its run id, then 4 random hex digits so that two
# attempts of one run on one machine never share a directory. The sweep (sandbox/jobs/housekeeping.py)
# reads the run id back from the name.
RUN_DIR_NAME = re.compile(r"run-([0-9a-f]{32})-[0-9a-f]{4}")
ARCHIVE_DELETED = "the uploaded archive was deleted after its run finished; upload the project again to run it"


# The latency baseline's reference run (sandbox/baseline.py) is named like a run directory but has no
# run id. It ends within its deadlines (minutes), so the sweep removes one an hour old.
BASELINE_RUN_NAME = re.compile(r"run-baseline-[0-9a-f]{12}")


def run_dir_name(run_id: str) -> str:
    return f"run-{run_id}-{secrets.token_hex(2)}"


def baseline_run_name() -> str:
    return f"run-baseline-{secrets.token_hex(6)}"


@dataclass(frozen=True)
class RunSpec:
    id: str
    task_id: str
    mode: RunMode
    target_url: str | None
    archive: Path | None

    @classmethod
    def of(cls, run: SandboxRun, settings: Settings) -> RunSpec:
        archive = settings.data_dir / run.archive_path if run.archive_path else None
        return cls(run.id, run.task_id, RunMode(run.mode), run.target_url, archive)


@dataclass
class Execution:
    status: RunStatus
    error: str | None = None
    verdict: str | None = None
    score: float | None = None
    report: dict[str, Any] | None = None
    isolation: list[dict[str, Any]] | None = None
    resources: dict[str, Any] | None = None
    timings: dict[str, Any] = field(default_factory=dict)
    logs: str | None = None

    def columns(self, log_bytes: int) -> dict[str, Any]:
        values = asdict(self)
        if self.logs and len(self.logs) > log_bytes:
            values["logs"] = self.logs[-log_bytes:]  # the end says why a service died
        return values


Executor = Callable[[RunSpec, Settings, threading.Event], Execution]


def selected_checks(settings: Settings) -> tuple[str, ...] | None:
    """PRODREADY_SANDBOX_CHECKS as ids; ValueError for an unknown id (an empty selection would 'pass')."""
    from sandbox.checks import registered

    checks = tuple(c.strip() for c in (settings.sandbox_checks or "").split(",") if c.strip())
    unknown = sorted(set(checks) - set(registered()))
    if unknown:
        raise ValueError(f"PRODREADY_SANDBOX_CHECKS names unknown checks: {', '.join(unknown)}")
    return checks or None


def probe_options(settings: Settings) -> ProbeOptions:
    return ProbeOptions(checks=selected_checks(settings))


def from_report(report: dict[str, Any], timings: dict[str, Any]) -> Execution:
    verdict = report.get("verdict")
    if not report.get("checks") and verdict != OverallVerdict.could_not_probe:
        # no check ran (PRODREADY_SANDBOX_CHECKS selects none of this task's): nothing was judged
        return Execution(RunStatus.COULD_NOT_RUN, error="no check of this task is selected by PRODREADY_SANDBOX_CHECKS",
                         report=report, timings=timings)
    if verdict == OverallVerdict.could_not_probe:
        # the service was not probed: say why, and keep whatever the report holds as evidence
        return Execution(RunStatus.COULD_NOT_RUN, error=report.get("reason") or "the service could not be probed",
                         verdict=verdict, report=report, timings=timings)
    return Execution(RunStatus.SUCCEEDED, verdict=verdict, score=report.get("score"), report=report,
                     timings=timings)


async def _probe_url(spec: RunSpec, settings: Settings) -> Execution:
    from sandbox.prober import probe
    from sandbox.safe_http import UnsafeTargetError, safe_transport

    started = time.monotonic()
    try:
        transport = await safe_transport(
            spec.target_url or "", environment=settings.environment.value,
            allow_loopback=settings.sandbox_allow_loopback and not settings.is_production,
            total_seconds=settings.sandbox_run_seconds,
        )
    except UnsafeTargetError as exc:
        return Execution(RunStatus.COULD_NOT_RUN, error=f"the URL was not probed: {exc}")
    try:
        report: ProbeReport = await asyncio.wait_for(
            probe(spec.target_url or "", spec.task_id, transport=transport, options=probe_options(settings)),
            settings.sandbox_run_seconds,
        )
    except TimeoutError:
        return Execution(RunStatus.COULD_NOT_RUN,
                         error=f"the probe did not finish within {settings.sandbox_run_seconds:g} s")
    finally:
        await transport.aclose()
    return from_report(report.model_dump(mode="json"), {"probe_seconds": round(time.monotonic() - started, 3)})


async def _run_archive(spec: RunSpec, settings: Settings) -> Execution:
    from sandbox.cli_run import default_runtime_dir, default_work_root
    from sandbox.isolation import ResourceLimits
    from sandbox.prober import probe
    from sandbox.runner import Deadlines, IsolationUnavailable, SandboxSetupError, arun_submission
    from sandbox.runtime import RuntimeBuildError

    if spec.archive is None:
        return Execution(RunStatus.COULD_NOT_RUN, error=ARCHIVE_DELETED)
    if not spec.archive.is_file():
        return Execution(RunStatus.COULD_NOT_RUN, error="the uploaded archive is no longer stored")
    try:
        outcome = await arun_submission(
            spec.archive, spec.task_id, environment=settings.environment.value,
            work_root=settings.sandbox_work_root or default_work_root(),
            runtime_dir=settings.sandbox_runtime_dir or default_runtime_dir(),
            deadlines=Deadlines(run_seconds=settings.sandbox_run_seconds),
            limits=ResourceLimits(log_bytes=settings.sandbox_log_bytes),
            probe=probe, probe_options=probe_options(settings), run_name=run_dir_name(spec.id),
        )
    except (IsolationUnavailable, SandboxSetupError, RuntimeBuildError) as exc:
        # the platform cannot run submissions right now; the candidate's project was not judged
        return Execution(RunStatus.COULD_NOT_RUN, error=f"the sandbox is not available: {exc}")
    data = outcome.to_dict()
    extras = {
        "isolation": data["layers"], "resources": {**data["resources"], "exit_code": data["exit_code"]},
        "logs": data["logs"],
    }
    timings = dict(data["timings"])
    if outcome.status == "completed" and isinstance(data["probe_report"], dict):
        execution = from_report(data["probe_report"], timings)
    else:
        reason = data["reason"] or f"the run ended as {outcome.status}"
        execution = Execution(RunStatus.COULD_NOT_RUN, error=reason, timings=timings)
    for name, value in extras.items():
        setattr(execution, name, value)
    if data["notes"]:
        execution.error = "; ".join(filter(None, [execution.error, *data["notes"]]))
    return execution


def run_coroutine(coroutine: Coroutine[Any, Any, Execution], cancelled: threading.Event) -> Execution:
    """Run on a fresh event loop in this thread; cancelling tears the run down (its finally blocks run)."""

    async def watched() -> Execution:
        task = asyncio.ensure_future(coroutine)
        while not task.done():
            if cancelled.is_set():
                task.cancel()
            await asyncio.wait({task}, timeout=_CANCEL_POLL_SECONDS)
        return task.result()

    try:
        return asyncio.run(watched())
    except asyncio.CancelledError:
        return Execution(RunStatus.CANCELLED, error="the run was stopped before it finished")


def execute_run(spec: RunSpec, settings: Settings, cancelled: threading.Event) -> Execution:
    """The default executor: URL mode probes through the SSRF-safe transport, archives run isolated."""
    if spec.mode == RunMode.URL:
        return run_coroutine(_probe_url(spec, settings), cancelled)
    return run_coroutine(_run_archive(spec, settings), cancelled)
