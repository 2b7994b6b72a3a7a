"""Start a submitted service inside the layers the host has, and tear every process of it down.

The service is started through a tiny gate (`sh` blocked on a pipe) so the runner can put the
gated process into its cgroups and set its rlimits before any submitted code exists; only then
does the gate exec bubblewrap (or, without it, the command itself). No preexec hook runs Python
code between fork and exec, which keeps this safe in a threaded worker.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from sandbox.isolation import bwrap, cgroups, seccomp
from sandbox.isolation.layers import HostIsolation
from sandbox.isolation.limits import ResourceLimits
from sandbox.isolation.logs import CappedLog

_GATE = 'read -r _ || exit 97; exec "$@" </dev/null'
SOCKET_NAME = "service.sock"


@dataclass
class ServiceProcess:
    process: subprocess.Popen
    socket_path: Path
    log: CappedLog
    cgroup: cgroups.RunCgroup | None
    isolated_pid_namespace: bool
    rusage: dict[str, float] = field(default_factory=dict)
    exit_code: int | None = None

    def poll(self) -> int | None:
        return self.process.poll()

    def teardown(self, grace_seconds: float = 0.0) -> dict[str, object]:
        """Kill every process of the run; return resource usage and how the kill went."""
        if grace_seconds and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(grace_seconds)
        # Killing bwrap's monitor kills its pid-1 (--die-with-parent), which takes the whole
        # pid namespace with it; the cgroup sweep catches anything that escaped the group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        emptied = None
        usage: dict[str, object] = {}
        if self.cgroup is not None:
            emptied = self.cgroup.kill_all()
        if self.process.returncode is None:
            with contextlib.suppress(ChildProcessError):
                _, status, ru = os.wait4(self.process.pid, 0)
                self.process.returncode = os.waitstatus_to_exitcode(status)
                # Largest resident set among the reaped processes; CPU time comes from the cgroup.
                self.rusage = {"max_rss_kib": ru.ru_maxrss}
        self.exit_code = self.process.returncode
        if self.cgroup is not None:
            usage.update(self.cgroup.usage())
            self.cgroup.remove()
        self.log.close()
        usage.update(self.rusage)
        usage["all_processes_killed"] = emptied if emptied is not None else self.isolated_pid_namespace
        return usage


def _set_rlimits(pid: int, limits: ResourceLimits) -> None:
    for which, value in (
        (resource.RLIMIT_AS, limits.address_space_bytes),
        (resource.RLIMIT_NPROC, limits.max_processes),
        (resource.RLIMIT_FSIZE, limits.file_size_bytes),
        (resource.RLIMIT_NOFILE, limits.open_files),
        (resource.RLIMIT_CORE, 0),
    ):
        resource.prlimit(pid, which, (value, value))
    resource.prlimit(pid, resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))


def launch(
    host: HostIsolation,
    spec: bwrap.SandboxSpec,
    command: list[str],
    limits: ResourceLimits,
    run_name: str,
) -> ServiceProcess:
    """Start `command` ({socket} already substituted by the caller via `spec.socket_inside`)."""
    use_bwrap = host.active("bubblewrap")
    cgroup = None
    if host.cgroup_layout is not None:
        cgroup = cgroups.RunCgroup(host.cgroup_layout, run_name)
        cgroup.create(limits.memory_bytes, limits.max_processes, limits.cpu_cores)
    seccomp_fd = seccomp.compile_filter() if host.active("seccomp") else None
    if use_bwrap:
        argv, env, cwd = bwrap.bwrap_argv(spec, command, limits, seccomp_fd), bwrap.OUTER_ENV, "/"
    else:
        argv, env, cwd = command, bwrap.direct_env(spec), str(spec.project / spec.workdir)
    if host.sandbox_uid is not None:
        # The gate stays root so the runner may lower its rlimits (root here may lack
        # CAP_SYS_RESOURCE, which prlimit on another uid's process needs); setpriv then drops
        # to the sandbox account, and the rlimits carry over.
        argv = [
            "setpriv",
            f"--reuid={host.sandbox_uid}",
            f"--regid={host.sandbox_gid}",
            "--clear-groups",
            "--inh-caps=-all",
            "--pdeathsig=KILL",  # a worker that dies takes its sandbox with it
            "--",
            *argv,
        ]
    read_end, write_end = os.pipe()
    try:
        process = subprocess.Popen(
            ["/bin/sh", "-c", _GATE, "prodready-gate", *argv],
            stdin=subprocess.PIPE,
            stdout=write_end,
            stderr=write_end,
            env=env,
            cwd=cwd,
            close_fds=True,
            pass_fds=(seccomp_fd,) if seccomp_fd is not None else (),
            start_new_session=True,
        )
    finally:
        os.close(write_end)
        if seccomp_fd is not None:
            os.close(seccomp_fd)
    log = CappedLog(read_end, limits.log_bytes)
    service = ServiceProcess(process, spec.socket_dir / SOCKET_NAME, log, cgroup, use_bwrap)
    try:
        if cgroup is not None:
            cgroup.add(process.pid)
        _set_rlimits(process.pid, limits)
        process.stdin.write(b"go\n")
        process.stdin.close()
    except BaseException:
        service.teardown()
        raise
    threading.Thread(target=log.pump, name=f"log-{run_name}", daemon=True).start()
    return service


def wait_gone(pids: set[int], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(Path(f"/proc/{pid}").exists() for pid in pids):
            return True
        time.sleep(0.02)
    return False
