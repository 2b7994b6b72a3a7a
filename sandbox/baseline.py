"""The latency baseline: the platform's reference implementation, loaded the same way as the candidate.

Measured once per process and per load shape, then cached; callers may also pass numbers in.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from pathlib import Path

import httpx

import sandbox
from sandbox.kit import write_kit
from sandbox.load import WARM_ROWS, run_load, warm_up, warm_up_requests
from sandbox.probe_client import ProbeClient
from sandbox.report import LatencyStats
from sandbox.tasks.base import Task

STARTUP_SECONDS = 60.0
_CACHE: dict[tuple[str, int, int, float], LatencyStats] = {}


class BaselineUnavailable(RuntimeError):
    pass


async def reference_baseline(task: Task, *, requests: int, concurrency: int, timeout: float) -> LatencyStats:
    key = (task.id, requests, concurrency, timeout)
    if key not in _CACHE:
        _CACHE[key] = await measure(task, requests=requests, concurrency=concurrency, timeout=timeout)
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
