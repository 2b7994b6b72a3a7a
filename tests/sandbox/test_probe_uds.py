"""The runner's way in: the reference service on a Unix socket, probed through a UDS transport,
with the latency baseline measured by the prober itself (a second reference process)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from pathlib import Path

import httpx

from sandbox.kit import write_kit
from sandbox.prober import probe
from sandbox.report import CheckVerdict, OverallVerdict
from sandbox.tasks import get_task
from tests.sandbox.probe_support import REPO, TEST_OPTIONS


def wait_for_socket(process: subprocess.Popen, socket: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the reference service exited"
        if socket.exists():
            try:
                with httpx.Client(transport=httpx.HTTPTransport(uds=str(socket))) as client:
                    if client.get("http://sandbox/readyz").status_code == 200:
                        return
            except httpx.HTTPError:
                pass
        time.sleep(0.1)
    raise TimeoutError("the reference service did not start")


def test_reference_over_a_unix_socket_with_a_measured_baseline(tmp_path: Path) -> None:
    task = get_task("churn-deploy")
    write_kit(task.id, tmp_path / "kit")
    socket = tmp_path / "service.sock"
    argv = [part.replace("{socket}", str(socket)) for part in task.reference_service_argv(tmp_path / "kit")]
    process = subprocess.Popen(argv, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        wait_for_socket(process, socket)
        options = TEST_OPTIONS.model_copy(update={"checks": ("health", "contract", "latency")})

        report = asyncio.run(
            probe(
                "http://sandbox",
                task.id,
                transport=httpx.AsyncHTTPTransport(uds=str(socket)),
                options=options,
            )
        )
    finally:
        process.terminate()
        process.wait(10)

    verdicts = {c.id: c.verdict for c in report.checks}
    assert verdicts["health"] == verdicts["contract"] == CheckVerdict.passed, report.model_dump_json(indent=1)
    # Two separate processes measured at different moments: on a busy machine the comparison is noisy,
    # so this test pins that the baseline was measured and used, not the verdict (test_prober does).
    latency = next(c for c in report.checks if c.id == "latency")
    assert latency.verdict in (CheckVerdict.passed, CheckVerdict.partial), latency.summary
    assert latency.details["reference"]["requests"] == TEST_OPTIONS.load_requests
    assert report.verdict in (OverallVerdict.passed, OverallVerdict.failed)
