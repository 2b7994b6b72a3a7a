"""Each fixture project's service does one bad thing; the runner must contain it and report it.

These need the full set of layers (root, bubblewrap, cgroups, seccomp): they skip with the
reason when a layer is missing, and fail instead when CI is set.
"""

from __future__ import annotations

import json
import os
import socket
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest

from sandbox.isolation import ResourceLimits
from sandbox.isolation.cgroups import CgroupLayout, detect, sweep
from sandbox.isolation.limits import MiB
from sandbox.runner import Deadlines, run_submission
from tests.sandbox.attack_projects.support import fetch_report, project_archive

pytestmark = pytest.mark.usefixtures("fully_isolated")


def _run(archive, work_root, runtime_dir, **kwargs):
    kwargs.setdefault("probe", fetch_report)
    return run_submission(archive, "churn-deploy", environment="production", work_root=work_root,
                          runtime_dir=runtime_dir, **kwargs)


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.fixture
def platform_data_dir():
    """A stand-in for the platform's data directory, world-readable so only isolation protects it."""
    directory = Path(tempfile.mkdtemp(prefix="prodready-data-"))
    directory.chmod(0o755)
    (directory / "prodready.db").write_text("SQLite format 3 -- platform secrets")
    (directory / "prodready.db").chmod(0o644)
    (directory / "secret_key").write_text("platform-secret-key")
    yield directory
    for child in directory.iterdir():
        child.unlink()
    directory.rmdir()


def test_fork_bomb_is_capped_by_the_pids_limit_and_fully_killed(runtime_dir, work_root, tmp_path):
    limits = ResourceLimits(max_processes=64)
    outcome = _run(project_archive("fork_bomb", tmp_path), work_root, runtime_dir, limits=limits)
    assert outcome.status == "completed", outcome.to_dict()
    report = outcome.probe_report
    assert report["forked"] < 64 and "Resource temporarily unavailable" in report["error"]
    assert outcome.resources["all_processes_killed"] is True


def test_unbounded_allocation_is_stopped_by_the_memory_limit(runtime_dir, work_root, tmp_path):
    limits = ResourceLimits(memory_bytes=384 * MiB, address_space_bytes=4096 * MiB)
    outcome = _run(project_archive("memory_hog", tmp_path), work_root, runtime_dir, limits=limits)
    # Either the kernel's OOM killer ended the service mid-request, or an allocation failed first.
    if outcome.status == "completed":
        assert outcome.probe_report["allocated_mib"] <= 384
    else:
        assert outcome.status == "probe_error", outcome.to_dict()
        assert outcome.resources["oom_kills"] >= 1
    assert outcome.resources["memory_peak_bytes"] <= 384 * MiB + MiB


def test_address_space_limit_makes_allocation_fail_cleanly(runtime_dir, work_root, tmp_path):
    limits = ResourceLimits(memory_bytes=2048 * MiB, address_space_bytes=512 * MiB)
    outcome = _run(project_archive("memory_hog", tmp_path), work_root, runtime_dir, limits=limits)
    assert outcome.status == "completed", outcome.to_dict()
    assert outcome.probe_report["error"] == "MemoryError" and outcome.probe_report["allocated_mib"] < 512


def test_infinite_loop_at_boot_hits_the_boot_deadline_under_the_cpu_quota(runtime_dir, work_root, tmp_path):
    limits = ResourceLimits(cpu_cores=0.5)
    started = time.monotonic()
    outcome = _run(project_archive("boot_loop", tmp_path), work_root, runtime_dir, limits=limits)
    assert outcome.status == "boot_timeout" and "within 3 s" in outcome.reason
    assert time.monotonic() - started < 10
    # Half a core for about three seconds: the quota held it well below a full core.
    assert outcome.resources["cpu_usage_ns"] < 2.5e9
    assert outcome.resources["all_processes_killed"] is True


def test_platform_files_cannot_be_read(runtime_dir, work_root, tmp_path, platform_data_dir):
    targets = [str(platform_data_dir / "prodready.db"), str(platform_data_dir / "secret_key"),
               "/etc/passwd", "/etc/shadow", "/root/.bashrc", str(Path.cwd() / "pyproject.toml")]
    archive = project_archive("read_platform", tmp_path, {"targets.json": json.dumps(targets)})
    outcome = _run(archive, work_root, runtime_dir)
    assert outcome.status == "completed", outcome.to_dict()
    report = outcome.probe_report
    for target in targets:
        assert report[target]["ok"] is False, (target, report[target])
    assert str(platform_data_dir.name) not in json.dumps(report["listdir /"])


class _Server:
    """Accepts connections on `sock` in a thread and counts them; `reply` is what each one gets."""

    reply = b""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.sock.listen()
        self.sock.settimeout(0.2)
        self.accepted = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.accepted += 1
            if self.reply:
                conn.sendall(self.reply)
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.sock.close()


class _Listener(_Server):
    """A TCP server on the host's loopback, standing in for the platform's own ports."""

    def __init__(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        super().__init__(sock)


def test_host_loopback_ports_are_unreachable(runtime_dir, work_root, tmp_path):
    listener = _Listener()
    try:
        archive = project_archive("connect_loopback", tmp_path, {"targets.json": json.dumps([listener.port])})
        outcome = _run(archive, work_root, runtime_dir)
    finally:
        listener.close()
    assert outcome.status == "completed", outcome.to_dict()
    report = outcome.probe_report
    attempts = {k: v for k, v in report.items() if k != "interfaces"}
    assert attempts and all(not result["ok"] for result in attempts.values()), attempts
    assert listener.accepted == 0
    assert [name for _, name in report["interfaces"]["value"]] == ["lo"]


def test_writes_outside_the_sandbox_fail(runtime_dir, work_root, tmp_path, platform_data_dir):
    outside = [str(platform_data_dir / "planted.txt"), str(work_root / "planted.txt"), "/var/tmp/planted.txt"]
    archive = project_archive("write_outside", tmp_path, {"targets.json": json.dumps(outside)})
    outcome = _run(archive, work_root, runtime_dir)
    assert outcome.status == "completed", outcome.to_dict()
    report = outcome.probe_report
    allowed = {"/tmp/private.txt", "/sandbox/run/allowed.txt"}
    for path, result in report.items():
        assert result["ok"] is (path in allowed), (path, result)
    assert not (platform_data_dir / "planted.txt").exists()
    assert not Path("/var/tmp/planted.txt").exists()
    assert not Path("/tmp/private.txt").exists()  # the sandbox's /tmp was private


def test_detached_process_does_not_outlive_the_run(runtime_dir, work_root, tmp_path):
    marker = f"prodready-outlive-{uuid.uuid4().hex}"
    archive = project_archive("outlive_deadline", tmp_path, {"mark.txt": marker})

    async def slow_probe(base_url, task_id, *, transport=None, options=None):
        import asyncio

        assert _processes_with(marker), "the detached child should be running during the probe"
        await asyncio.sleep(30)

    outcome = _run(archive, work_root, runtime_dir, probe=slow_probe,
                   deadlines=Deadlines(boot_seconds=20, run_seconds=5))
    assert outcome.status == "probe_timeout", outcome.to_dict()
    assert outcome.timings["total_seconds"] < 10
    time.sleep(0.2)
    assert _processes_with(marker) == []


def test_seccomp_denies_namespace_mount_and_ptrace_syscalls(runtime_dir, work_root, tmp_path):
    outcome = _run(project_archive("seccomp_escape", tmp_path), work_root, runtime_dir)
    assert outcome.status == "completed", outcome.to_dict()
    for name, result in outcome.probe_report.items():
        assert result["ok"] is False and "Operation not permitted" in result["error"], (name, result)


def test_runs_do_not_see_each_other(runtime_dir, work_root, tmp_path):
    (work_root / "other-run").mkdir()
    (work_root / "other-run" / "service.sock").write_text("not for you")
    targets = [str(work_root / "other-run" / "service.sock"), "/sandbox/run/../../other-run/service.sock"]
    archive = project_archive("read_platform", tmp_path, {"targets.json": json.dumps(targets)})
    outcome = _run(archive, work_root, runtime_dir)
    assert all(not outcome.probe_report[t]["ok"] for t in targets)
    assert os.listdir(work_root) == ["other-run"]


class _HostSocket(_Server):
    """A Unix socket of the host (think: the database's) that answers anything with 200."""

    reply = b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}"

    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="prodready-hostsock-"))
        self.directory.chmod(0o755)
        self.path = self.directory / "db.sock"
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.bind(str(self.path))
        self.path.chmod(0o777)
        super().__init__(sock)

    def close(self) -> None:
        super().close()
        self.path.unlink()
        self.directory.rmdir()


@pytest.fixture
def host_socket():
    server = _HostSocket()
    yield server
    server.close()


def test_socket_swapped_for_a_symlink_at_boot_is_never_followed(
    runtime_dir, work_root, tmp_path, host_socket
):
    targets = json.dumps([str(host_socket.path), "at_boot"])
    archive = project_archive("socket_swap", tmp_path, {"targets.json": targets})
    outcome = _run(archive, work_root, runtime_dir)
    assert outcome.status == "boot_timeout", outcome.to_dict()
    assert host_socket.accepted == 0


def test_socket_swapped_after_boot_keeps_the_probe_on_the_sandbox(
    runtime_dir, work_root, tmp_path, host_socket
):
    targets = json.dumps([str(host_socket.path), "after_boot"])

    async def swap_then_ask(base_url, task_id, *, transport=None, options=None):
        import httpx

        async with httpx.AsyncClient(transport=transport, base_url=base_url, timeout=10) as client:
            assert (await client.get("/report")).json() == {"swapped": True}
            return (await client.get("/whoami")).json()

    archive = project_archive("socket_swap", tmp_path, {"targets.json": targets})
    outcome = _run(archive, work_root, runtime_dir, probe=swap_then_ask)
    assert outcome.status == "completed", outcome.to_dict()
    assert outcome.probe_report == {"sandbox": True}
    assert host_socket.accepted == 0


RUNNER_SCRIPT = """
import asyncio, sys
from pathlib import Path
from sandbox.runner import run_submission

async def forever(base_url, task_id, *, transport=None, options=None):
    print("probing", flush=True)
    await asyncio.sleep(600)

run_submission(Path(sys.argv[1]), "churn-deploy", environment="production", work_root=Path(sys.argv[2]),
               runtime_dir=Path(sys.argv[3]), probe=forever)
"""


def test_a_worker_that_dies_mid_run_takes_the_sandbox_with_it(runtime_dir, work_root, tmp_path):
    import subprocess
    import sys

    marker = f"prodready-orphan-{uuid.uuid4().hex}"
    archive = project_archive("outlive_deadline", tmp_path, {"mark.txt": marker})
    (tmp_path / "worker.py").write_text(RUNNER_SCRIPT)
    worker = subprocess.Popen([sys.executable, str(tmp_path / "worker.py"), str(archive), str(work_root),
                               str(runtime_dir)], stdout=subprocess.PIPE, cwd=Path(__file__).parents[2])
    try:
        assert worker.stdout.readline() == b"probing\n"
        assert _processes_with(marker)
    finally:
        worker.kill()
        worker.wait()
    deadline = time.monotonic() + 5
    while _processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _processes_with(marker) == []
    # The dead worker's cgroups are left behind, empty; the next worker's sweep removes them.
    layout = detect()
    assert isinstance(layout, CgroupLayout)
    run_names = [d.name for d in work_root.iterdir()]
    assert set(run_names) <= set(sweep(layout))
