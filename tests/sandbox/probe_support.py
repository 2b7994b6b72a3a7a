"""Serve the solutions as real services on loopback (one subprocess) and probe them with small loads."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from sandbox.options import ProbeOptions

REPO = Path(__file__).resolve().parents[2]
START_SECONDS = 120

# Small but real: every check runs in full, with fewer rows and requests than the CLI's defaults.
TEST_OPTIONS = ProbeOptions(
    heldout_rows=20,
    batch_rows=10,
    drift_window_rows=100,
    load_requests=30,
    load_concurrency=4,
    concurrency=1,
    timeout_seconds=10,
    request_budget=1000,
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Solutions:
    """Every solution of tests/sandbox/solutions/flaws.py, served by one subprocess."""

    def __init__(self, kit: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.sandbox.solutions.serve", str(kit)],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            line = self._first_line()
        except BaseException:
            self.stop()
            raise
        self.ports: dict[str, int] = json.loads(line)

    def _first_line(self) -> str:
        import selectors

        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)  # type: ignore[arg-type]
            if not selector.select(START_SECONDS):
                raise RuntimeError(f"the solutions did not start within {START_SECONDS} s")
        line = self.process.stdout.readline()  # type: ignore[union-attr]
        if not line:
            raise RuntimeError(f"the solutions process exited with {self.process.wait()}")
        return line

    def url(self, flaw: str) -> str:
        return f"http://127.0.0.1:{self.ports[flaw]}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
