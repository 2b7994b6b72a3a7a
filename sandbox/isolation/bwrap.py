"""The filesystem and environment the service sees, as a bubblewrap command line.

Inside: /usr (read-only, with the merged-/usr symlinks), the runtime venv read-only at its own
path (a venv's paths are absolute), the project read-only at /sandbox/project, the run's socket
directory at /sandbox/run, a private size-capped /tmp, fresh /proc and /dev. Nothing else of
the host exists there: not /etc, not /home, not the platform's data directory.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sandbox.isolation.limits import ResourceLimits
from sandbox.runtime import RuntimeInfo

INSIDE_PROJECT = "/sandbox/project"
INSIDE_RUN = "/sandbox/run"
OUTER_ENV = {"PATH": "/usr/bin:/bin"}


@dataclass(frozen=True)
class SandboxSpec:
    project: Path  # host path of the unpacked project root
    workdir: str  # relative to the project, from the manifest
    socket_dir: Path  # host path, writable by the sandbox account
    runtime: RuntimeInfo

    def socket_inside(self, bubblewrapped: bool) -> str:
        return f"{INSIDE_RUN}/service.sock" if bubblewrapped else str(self.socket_dir / "service.sock")


def service_env(spec: SandboxSpec, tmp: str) -> dict[str, str]:
    return {
        "PATH": f"{spec.runtime.path}/bin:/usr/bin:/bin",
        "HOME": tmp,
        "TMPDIR": tmp,
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "VIRTUAL_ENV": spec.runtime.path,
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
    }


def direct_env(spec: SandboxSpec) -> dict[str, str]:
    return service_env(spec, str(spec.socket_dir))


def _root_links() -> list[str]:
    args = []
    for name in ("bin", "lib", "lib64", "sbin"):
        host = Path("/") / name
        if host.is_symlink():
            args += ["--symlink", str(host.readlink()), f"/{name}"]
        elif host.is_dir():
            args += ["--ro-bind", str(host), f"/{name}"]
    return args


def bwrap_argv(
    spec: SandboxSpec, command: list[str], limits: ResourceLimits, seccomp_fd: int | None
) -> list[str]:
    # --unshare-all leaves out the user namespace when it cannot make one; ask for it outright.
    argv = [
        "bwrap",
        "--unshare-all",
        "--unshare-user",
        "--disable-userns",
        "--die-with-parent",
        "--new-session",
        "--hostname",
        "sandbox",
        "--ro-bind",
        "/usr",
        "/usr",
        *_root_links(),
    ]
    for optional in ("/etc/ld.so.cache", "/etc/localtime"):
        argv += ["--ro-bind-try", optional, optional]
    # The private /tmp comes before the runtime's bind: a runtime that lives under the host's /tmp
    # (a checkout there) would otherwise be hidden by it.
    argv += ["--size", str(limits.tmp_bytes), "--tmpfs", "/tmp"]
    runtime = spec.runtime
    argv += ["--ro-bind", runtime.path, runtime.path]
    if not Path(runtime.base_prefix).is_relative_to("/usr"):
        argv += ["--ro-bind", runtime.base_prefix, runtime.base_prefix]
    argv += [
        "--ro-bind",
        str(spec.project),
        INSIDE_PROJECT,
        "--bind",
        str(spec.socket_dir),
        INSIDE_RUN,
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--remount-ro",
        "/",  # the root bwrap builds is a tmpfs: no writes outside /tmp and the run dir
        "--chdir",
        str(Path(INSIDE_PROJECT) / spec.workdir),
        "--clearenv",
    ]
    for key, value in service_env(spec, "/tmp").items():
        argv += ["--setenv", key, value]
    if seccomp_fd is not None:
        argv += ["--seccomp", str(seccomp_fd)]
    return [*argv, "--", *command]
