"""Run one uploaded project: unpack, start it inside the isolation layers, wait for it, probe it, tear down.

The service listens on a Unix socket in a directory the runner creates; the probe talks to it
through `httpx.AsyncHTTPTransport(uds=...)`, so the sandbox needs no network at all. Every
outcome is reported, including why a probe could not run; nothing is invented.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sandbox.isolation import HostIsolation, ResourceLimits, detect_host, launch
from sandbox.isolation.bwrap import SandboxSpec
from sandbox.isolation.remove import remove_tree
from sandbox.isolation.service_socket import PROBE_BASE_URL, transport_for, wait_ready
from sandbox.manifest import ManifestError, load_manifest
from sandbox.options import ProbeOptions, SandboxPlacement
from sandbox.run_outcome import RunOutcome
from sandbox.runtime import read_runtime
from sandbox.unpack import UnpackError, UnpackLimits, unpack_archive

Environment = Literal["local", "production"]
ProbeFn = Callable[..., Awaitable[Any]]
_MAX_SOCKET_PATH = 100  # sun_path holds 108 bytes; keep a margin


class IsolationUnavailable(RuntimeError):
    """Production refuses to run without every isolation layer; the message lists the missing ones."""


class SandboxSetupError(RuntimeError):
    """The host is misconfigured for runs (paths, runtime); a platform problem, not the candidate's."""


@dataclass(frozen=True)
class Deadlines:
    boot_seconds: float = 60.0  # cap; the manifest's startup_timeout_seconds may only shorten it
    run_seconds: float = 300.0  # unpack to teardown, probe included


@dataclass
class _Run:
    outcome: RunOutcome
    started: float = field(default_factory=time.monotonic)

    def remaining(self, deadlines: Deadlines) -> float:
        return deadlines.run_seconds - (time.monotonic() - self.started)


def _check_reachable(path: Path, uid: int | None) -> None:
    """The sandbox account needs search permission on every ancestor of what bwrap binds."""
    if uid is None:
        return
    for ancestor in [path, *path.parents]:
        st = ancestor.stat()
        if not (st.st_mode & 0o001 or st.st_uid == uid):
            raise SandboxSetupError(
                f"the sandbox account cannot reach {path}: {ancestor} lacks o+x; "
                "choose a work root and runtime directory under world-traversable directories"
            )


def _report_dict(report: Any) -> Any:
    if hasattr(report, "model_dump"):
        return report.model_dump(mode="json")
    return report.to_dict() if hasattr(report, "to_dict") else report


async def arun_submission(
    archive_path: Path,
    task_id: str,
    *,
    environment: Environment,
    work_root: Path,
    runtime_dir: Path,
    deadlines: Deadlines | None = None,
    limits: ResourceLimits | None = None,
    unpack_limits: UnpackLimits | None = None,
    probe: ProbeFn | None = None,
    probe_options: Any = None,
    host: HostIsolation | None = None,
    run_name: str | None = None,
) -> RunOutcome:
    """Run one archive; `run_name` names its directory under `work_root` (and its cgroups).

    A platform run passes a name carrying its run id (`sandbox.execute.run_dir_name`), so a
    directory left by a worker that died can be matched to its run and swept; the default is
    a random `run-<12 hex>`.
    """
    if environment not in ("local", "production"):
        raise ValueError(f"environment must be 'local' or 'production', not {environment!r}")
    deadlines, limits = deadlines or Deadlines(), limits or ResourceLimits()
    host = host or detect_host()
    if environment == "production" and host.missing:
        details = "; ".join(f"{layer.name}: {layer.detail}" for layer in host.layers if not layer.active)
        raise IsolationUnavailable(f"refusing to run a submission without every isolation layer: {details}")
    runtime = read_runtime(runtime_dir)
    work_root = Path(work_root).absolute()
    work_root.mkdir(mode=0o711, parents=True, exist_ok=True)
    _check_reachable(work_root, host.sandbox_uid)
    _check_reachable(Path(runtime.path), host.sandbox_uid)
    if probe is not None:
        placement = SandboxPlacement(environment, work_root, Path(runtime_dir).absolute(), limits, host)
        probe_options = _placed(probe_options, placement)
    run = _Run(RunOutcome(task_id=task_id, environment=environment, layers=list(host.layers)))
    run_name = run_name or f"run-{uuid.uuid4().hex[:12]}"
    if "/" in run_name or run_name in (".", ".."):
        raise ValueError(f"a run directory name is one path component, not {run_name!r}")
    run_dir = work_root / run_name
    run_dir.mkdir(mode=0o711)
    run_dir.chmod(0o711)
    try:
        await _unpack_and_run(
            run,
            archive_path,
            run_dir,
            task_id,
            runtime,
            host,
            deadlines,
            limits,
            unpack_limits,
            probe,
            probe_options,
        )
    finally:
        started = time.monotonic()
        remove_tree(run_dir)  # never follows links; opens up read-only directories the service left
        run.outcome.timings["cleanup_seconds"] = round(time.monotonic() - started, 3)
        run.outcome.timings["total_seconds"] = round(time.monotonic() - run.started, 3)
    return run.outcome


def _placed(probe_options: Any, placement: SandboxPlacement) -> Any:
    """Tell the prober where the service runs, so the latency baseline runs the same way."""
    if probe_options is None:
        probe_options = ProbeOptions()
    if isinstance(probe_options, ProbeOptions) and probe_options.sandbox is None:
        return probe_options.model_copy(update={"sandbox": placement})
    return probe_options


async def _unpack_and_run(
    run, archive_path, run_dir, task_id, runtime, host, deadlines, limits, unpack_limits, probe, probe_options
) -> None:
    outcome = run.outcome
    try:
        unpacked = unpack_archive(Path(archive_path), run_dir / "project", unpack_limits)
        manifest = load_manifest(unpacked.project_root)
    except (UnpackError, ManifestError) as exc:
        outcome.finish("rejected", str(exc))
        return
    service_dir = unpacked.project_root / manifest.service.workdir
    if not service_dir.is_dir():
        outcome.finish("rejected", f"workdir {manifest.service.workdir!r} is not a directory of the project")
        return
    socket_dir = run_dir / "run"
    socket_dir.mkdir(mode=0o700)
    if host.sandbox_uid is not None:
        os.chown(socket_dir, host.sandbox_uid, host.sandbox_gid)
    if len(str(socket_dir / "service.sock")) > _MAX_SOCKET_PATH:
        raise SandboxSetupError(f"the work root {run_dir.parent} is too deep for a Unix socket path")
    spec = SandboxSpec(unpacked.project_root, manifest.service.workdir, socket_dir, runtime)
    command = manifest.service.argv(spec.socket_inside(host.active("bubblewrap")))
    boot_started = time.monotonic()
    service = launch(host, spec, command, limits, run_dir.name)
    try:
        boot_limit = min(
            manifest.service.startup_timeout_seconds, deadlines.boot_seconds, max(run.remaining(deadlines), 0)
        )
        owner = host.sandbox_uid if host.sandbox_uid is not None else os.geteuid()
        socket_fd, why = await wait_ready(service, owner, boot_limit)
        outcome.timings["boot_seconds"] = round(time.monotonic() - boot_started, 3)
        if socket_fd is None:
            outcome.finish("boot_timeout" if service.poll() is None else "boot_failed", why)
            return
        try:
            if probe is None:
                outcome.finish("not_probed", "no prober was given, so no check ran")
                return
            await _probe(run, service, socket_fd, task_id, deadlines, probe, probe_options)
        finally:
            os.close(socket_fd)
    finally:
        started = time.monotonic()
        outcome.resources = service.teardown()
        outcome.timings["teardown_seconds"] = round(time.monotonic() - started, 3)
        outcome.exit_code = service.exit_code
        outcome.logs, outcome.logs_dropped_bytes = service.log.text(), service.log.dropped


async def _probe(run, service, socket_fd, task_id, deadlines, probe, probe_options) -> None:
    outcome = run.outcome
    started = time.monotonic()
    transport = transport_for(socket_fd)
    try:
        report = await asyncio.wait_for(
            probe(PROBE_BASE_URL, task_id, transport=transport, options=probe_options),
            timeout=max(run.remaining(deadlines), 0.001),
        )
    except TimeoutError:
        why = f"the run reached its {deadlines.run_seconds:g} s deadline while probing"
        outcome.finish("probe_timeout", why)
    except Exception as exc:  # the prober's own failure must not leak the sandbox
        outcome.finish("probe_error", f"the probe could not run: {type(exc).__name__}: {exc}")
    else:
        outcome.probe_report = _report_dict(report)
        outcome.finish("completed", None)
    finally:
        outcome.timings["probe_seconds"] = round(time.monotonic() - started, 3)
        await transport.aclose()
    if service.poll() is not None:
        outcome.notes.append(f"the service exited with code {service.poll()} during probing")


def run_submission(archive_path: Path, task_id: str, **kwargs: Any) -> RunOutcome:
    """Synchronous wrapper of `arun_submission` for the command line and plain workers."""
    return asyncio.run(arun_submission(archive_path, task_id, **kwargs))
