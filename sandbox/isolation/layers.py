"""Detect, at start, which isolation layers this host can provide, and say why any is missing."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from dataclasses import asdict, dataclass

from sandbox.isolation import cgroups, seccomp

SANDBOX_USER = "prodready-sandbox"
LAYER_NAMES = ("bubblewrap", "unprivileged_user", "rlimits", "cgroups", "seccomp")


@dataclass(frozen=True)
class Layer:
    name: str
    active: bool
    detail: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class HostIsolation:
    layers: tuple[Layer, ...]
    sandbox_uid: int | None
    sandbox_gid: int | None
    cgroup_layout: cgroups.CgroupLayout | None

    @property
    def missing(self) -> list[str]:
        return [layer.name for layer in self.layers if not layer.active]

    def active(self, name: str) -> bool:
        return any(layer.name == name and layer.active for layer in self.layers)


def ensure_sandbox_user(name: str = SANDBOX_USER) -> pwd.struct_passwd:
    """Create the dedicated unprivileged account when missing (needs root); a setup step."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        pass
    if os.geteuid() != 0:
        raise PermissionError(f"the sandbox account {name!r} is missing and only root can create it")
    subprocess.run(
        [
            "useradd",
            "--system",
            "--user-group",
            "--no-create-home",
            "--home-dir",
            "/nonexistent",
            "--shell",
            "/usr/sbin/nologin",
            name,
        ],
        check=True,
        capture_output=True,
    )
    return pwd.getpwnam(name)


def _user_layer() -> tuple[Layer, int | None, int | None]:
    if os.geteuid() != 0:
        return (
            Layer(
                "unprivileged_user",
                False,
                "the runner is not root, so it cannot switch to a "
                f"dedicated account; it runs as uid {os.geteuid()}",
            ),
            None,
            None,
        )
    try:
        account = pwd.getpwnam(SANDBOX_USER)
    except KeyError:
        return (
            Layer(
                "unprivileged_user",
                False,
                f"account {SANDBOX_USER!r} is missing: run `prodready sandbox runtime` as root to create it",
            ),
            None,
            None,
        )
    if account.pw_uid == 0:
        return Layer("unprivileged_user", False, f"account {SANDBOX_USER!r} has uid 0"), None, None
    detail = f"runs as {SANDBOX_USER} (uid {account.pw_uid}, gid {account.pw_gid}, no supplementary groups)"
    return Layer("unprivileged_user", True, detail), account.pw_uid, account.pw_gid


def _bwrap_layer(uid: int | None, gid: int | None) -> Layer:
    binary = shutil.which("bwrap")
    if binary is None:
        return Layer("bubblewrap", False, "bwrap is not installed: apt-get install bubblewrap")
    # A real smoke run, as the account the sandbox will use: user namespaces may be disabled.
    check = subprocess.run(
        [
            binary,
            # the same features the runner relies on, so an older bwrap is caught here
            "--unshare-all",
            "--unshare-user",
            "--disable-userns",
            "--die-with-parent",
            "--new-session",
            "--size",
            "1048576",
            "--tmpfs",
            "/tmp",
            "--ro-bind",
            "/usr",
            "/usr",
            "--symlink",
            "usr/bin",
            "/bin",
            "--symlink",
            "usr/lib",
            "/lib",
            "--symlink",
            "usr/lib64",
            "/lib64",
            "--remount-ro",
            "/",
            "--",
            "/usr/bin/true",
        ],
        capture_output=True,
        text=True,
        timeout=20,
        user=uid,
        group=gid,
        extra_groups=[] if uid is not None else None,
    )
    if check.returncode != 0:
        why = check.stderr.strip()[:300]
        return Layer("bubblewrap", False, f"bwrap cannot create namespaces here: {why}")
    return Layer(
        "bubblewrap",
        True,
        "bwrap: user, pid, net (loopback only), ipc, uts, cgroup and mount "
        "namespaces; read-only runtime and project; private tmpfs; cleared environment",
    )


def detect_host() -> HostIsolation:
    user, uid, gid = _user_layer()
    bwrap = _bwrap_layer(uid, gid)
    rlimits = Layer("rlimits", True, "RLIMIT_AS, NPROC, FSIZE, NOFILE, CPU and CORE set on the process")
    if uid is None:
        rlimits = Layer("rlimits", True, "set, but RLIMIT_NPROC counts every process of the runner's own uid")
    layout = cgroups.detect()
    if isinstance(layout, cgroups.CgroupLayout):
        cg = Layer("cgroups", True, f"{layout.reason}: memory, pids and CPU limits per run")
    else:
        cg, layout = Layer("cgroups", False, layout if isinstance(layout, str) else "no cgroups"), None
    ok, why = seccomp.availability()
    if ok and not bwrap.active:
        ok, why = False, "the filter is loaded by bubblewrap, which is missing"
    return HostIsolation((bwrap, user, rlimits, cg, Layer("seccomp", ok, why)), uid, gid, layout)
