"""The latency baseline: the platform's reference implementation, loaded the same way as the candidate.

When the candidate's service runs in the sandbox, the reference is packed as a project and run by
the same runner (`sandbox.runner.arun_submission`): the same isolation layers, resource limits and
runtime. Probed by URL there is no sandbox to match; the reference then runs as a plain subprocess
and the result says it was measured without isolation. Measured once per process, task, load shape
and placement (limits and layers), then cached; callers may also pass numbers in.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

import sandbox
from sandbox.kit import write_kit
from sandbox.load import WARM_ROWS, run_load, warm_up, warm_up_requests
from sandbox.manifest import MANIFEST_NAME
from sandbox.options import SandboxPlacement
from sandbox.probe_client import ProbeClient
from sandbox.report import LatencyStats
from sandbox.tasks.base import Task

STARTUP_SECONDS = 60.0
# The load itself takes seconds; this bounds a reference that hangs under load.
SANDBOX_RUN_SECONDS = 300.0
UNISOLATED = (
    "measured without isolation: the reference ran as a plain subprocess of the prober, without the "
    "sandbox or its resource limits"
)
_CACHE: dict[tuple[Any, ...], Baseline] = {}


class BaselineUnavailable(RuntimeError):
    pass


@dataclass(frozen=True)
class Baseline:
    stats: LatencyStats
    isolated: bool  # run by the sandbox runner, as the candidate's service was
    how: str  # one sentence for the report


def _active_layers(placement: SandboxPlacement) -> tuple[str, ...]:
    return tuple(layer.name for layer in placement.host.layers if layer.active)


def placement_key(placement: SandboxPlacement) -> tuple[Any, ...]:
    return (placement.environment, placement.limits, _active_layers(placement), placement.host.sandbox_uid)


def describe_placement(placement: SandboxPlacement) -> str:
    limits, host = placement.limits, placement.host
    active = _active_layers(placement)
    text = (
        f"measured in the sandbox with the candidate's limits ({limits.cpu_cores:g} CPU core(s), "
        f"{limits.memory_bytes // (1024 * 1024)} MiB memory); isolation layers: {', '.join(active) or 'none'}"
    )
    return text + (f"; missing here: {', '.join(host.missing)}" if host.missing else "")


async def reference_baseline(
    task: Task, *, requests: int, concurrency: int, timeout: float, sandbox: SandboxPlacement | None = None
) -> Baseline:
    """The reference's numbers under this load, measured where the candidate runs (cached)."""
    placement = placement_key(sandbox) if sandbox is not None else None
    key = (task.id, requests, concurrency, timeout, placement)
    if key not in _CACHE:
        if sandbox is None:
            stats = await measure(task, requests=requests, concurrency=concurrency, timeout=timeout)
            _CACHE[key] = Baseline(stats, isolated=False, how=UNISOLATED)
        else:
            stats = await measure_in_sandbox(
                task, sandbox, requests=requests, concurrency=concurrency, timeout=timeout
            )
            _CACHE[key] = Baseline(stats, isolated=True, how=describe_placement(sandbox))
    return _CACHE[key]


async def _wait_ready(client: httpx.AsyncClient, process: asyncio.subprocess.Process, path: str) -> None:
    deadline = asyncio.get_running_loop().time() + STARTUP_SECONDS
    while asyncio.get_running_loop().time() < deadline:
        if process.returncode is not None:
            raise BaselineUnavailable(f"the reference service exited with status {process.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if (await client.get(path)).status_code == 200:
                return
        await asyncio.sleep(0.1)
    raise BaselineUnavailable(f"the reference service was not ready within {STARTUP_SECONDS:.0f} s")


async def measure_service(
    http: httpx.AsyncClient, task: Task, *, requests: int, concurrency: int
) -> LatencyStats:
    """The load the latency check applies, against any running service (e.g. the reference in a sandbox).

    `http` must already point at the service (base URL and transport) and carry the timeout.
    """
    timeout = http.timeout.read or 5.0
    client = ProbeClient(http, budget=requests * 2 + 100, max_response_bytes=1_000_000, timeout=timeout)
    rows = task.heldout_rows(WARM_ROWS)
    await warm_up(client, task.endpoints.predict, rows, warm_up_requests(requests))
    stats, _ = await run_load(
        client, task.endpoints.predict, rows, requests=requests, concurrency=concurrency
    )
    return stats


async def measure(task: Task, *, requests: int, concurrency: int, timeout: float) -> LatencyStats:
    """Start the reference service on a Unix socket in a scratch directory and measure it."""
    with tempfile.TemporaryDirectory(prefix="prodready-baseline-") as scratch:
        kit, socket = Path(scratch) / "kit", str(Path(scratch) / "service.sock")
        write_kit(task.id, kit)
        argv = [part.replace("{socket}", socket) for part in task.reference_service_argv(kit)]
        package_root = str(Path(sandbox.__file__).resolve().parent.parent)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])),
        }
        process = await asyncio.create_subprocess_exec(
            *argv, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
        )
        transport = httpx.AsyncHTTPTransport(uds=socket)
        limits = httpx.Limits(max_connections=concurrency + 2)
        try:
            async with httpx.AsyncClient(
                transport=transport, base_url="http://reference", timeout=timeout, limits=limits
            ) as http:
                await _wait_ready(http, process, task.endpoints.readyz)
                return await measure_service(http, task, requests=requests, concurrency=concurrency)
        finally:
            if process.returncode is None:
                process.terminate()
                try:
                    await asyncio.wait_for(process.wait(), 10)
                except TimeoutError:
                    process.kill()
                    await process.wait()


def reference_project(task: Task, directory: Path) -> Path:
    """The reference service as a submission archive: the `sandbox` package, the kit and a manifest.

    Inside the sandbox the service runs with the runtime's `python` from the project root (its
    working directory), so `-m sandbox.tasks...` imports the packed copy and `kit` is the packed kit.
    """
    argv = task.reference_service_argv(Path("kit"))
    if argv and argv[0] == sys.executable:
        argv = ["python", *argv[1:]]
    # JSON strings are valid TOML basic strings.
    manifest = f'[service]\ncommand = {json.dumps(argv)}\nstartup_timeout_seconds = {STARTUP_SECONDS:g}\n'
    package = Path(sandbox.__file__).resolve().parent
    archive = directory / "reference.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(MANIFEST_NAME, manifest)
        for path in sorted(package.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                zf.write(path, (Path("sandbox") / path.relative_to(package)).as_posix())
        for relative, content in sorted(task.kit_files().items()):
            zf.writestr(f"kit/{relative}", content)
    return archive


async def measure_in_sandbox(
    task: Task, placement: SandboxPlacement, *, requests: int, concurrency: int, timeout: float
) -> LatencyStats:
    """Run the reference through the runner that runs candidates, with the same host, limits and runtime."""
    from sandbox.execute import baseline_run_name
    from sandbox.runner import Deadlines, arun_submission

    async def load(base_url: str, task_id: str, *, transport: Any = None, options: Any = None) -> LatencyStats:
        limits = httpx.Limits(max_connections=concurrency + 2)
        async with httpx.AsyncClient(
            transport=transport, base_url=base_url, timeout=timeout, limits=limits, trust_env=False
        ) as http:
            return await measure_service(http, task, requests=requests, concurrency=concurrency)

    with tempfile.TemporaryDirectory(prefix="prodready-baseline-") as scratch:
        outcome = await arun_submission(
            reference_project(task, Path(scratch)),
            task.id,
            environment=placement.environment,
            work_root=placement.work_root,
            runtime_dir=placement.runtime_dir,
            deadlines=Deadlines(boot_seconds=STARTUP_SECONDS, run_seconds=SANDBOX_RUN_SECONDS),
            limits=placement.limits,
            probe=load,
            host=placement.host,
            # not a platform run's name: what a dead worker left is swept once it is an hour old
            run_name=baseline_run_name(),
        )
    if outcome.status != "completed" or not isinstance(outcome.probe_report, dict):
        tail = (outcome.logs or "").strip()[-300:]
        raise BaselineUnavailable(
            f"the reference service did not run in the sandbox ({outcome.status}: {outcome.reason})"
            + (f"; its output ends: {tail}" if tail else "")
        )
    return LatencyStats.model_validate(outcome.probe_report)
