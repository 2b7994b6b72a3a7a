"""Layer detection and the pieces each layer is built from, checked on this host."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sandbox.isolation import ResourceLimits, seccomp
from sandbox.isolation.bwrap import SandboxSpec, bwrap_argv
from sandbox.isolation.cgroups import CgroupLayout, detect
from sandbox.isolation.layers import LAYER_NAMES
from sandbox.isolation.logs import CappedLog
from sandbox.runtime import RuntimeInfo
from tests.sandbox.attack_projects.support import need

RUNTIME = RuntimeInfo("/opt/rt", "/opt/rt/bin/python", "/usr", "3.11.2", [], "x")


def test_every_layer_is_reported_with_a_reason(host):
    assert [layer.name for layer in host.layers] == ["bubblewrap", "unprivileged_user", "rlimits",
                                                     "cgroups", "seccomp"]
    assert set(LAYER_NAMES) == {layer.name for layer in host.layers}
    assert all(layer.detail for layer in host.layers)
    assert host.missing == [layer.name for layer in host.layers if not layer.active]


def test_bwrap_command_unshares_everything_and_binds_read_only(tmp_path):
    spec = SandboxSpec(tmp_path / "project", "svc", tmp_path / "run", RUNTIME)
    argv = bwrap_argv(spec, ["python", "app.py"], ResourceLimits(), seccomp_fd=7)
    joined = " ".join(argv)
    for flag in ("--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent",
                 "--new-session", "--clearenv", "--remount-ro /", "--seccomp 7"):
        assert flag in joined
    assert "--share-net" not in argv
    assert f"--ro-bind {tmp_path / 'project'} /sandbox/project" in joined
    assert "--ro-bind /opt/rt /opt/rt" in joined
    assert f"--bind {tmp_path / 'run'} /sandbox/run" in joined
    assert "--chdir /sandbox/project/svc" in joined
    assert argv[-3:] == ["--", "python", "app.py"]
    env = dict(zip(argv[argv.index("--setenv") + 1::3], argv[argv.index("--setenv") + 2::3], strict=False))
    assert env["PATH"].startswith("/opt/rt/bin") and env["HOME"] == "/tmp"


def test_seccomp_filter_compiles_to_bpf():
    ok, why = seccomp.availability()
    need(ok, why)
    fd = seccomp.compile_filter()
    try:
        program = os.read(fd, 1 << 20)
    finally:
        os.close(fd)
    assert program and len(program) % 8 == 0  # struct sock_filter is 8 bytes


def test_cgroup_detection_names_a_writable_layout_or_why_not():
    layout = detect()
    if isinstance(layout, CgroupLayout):
        assert {"memory", "pids", "cpu"} <= set(layout.roots)
        for root in layout.roots.values():
            assert os.access(root, os.W_OK)
        v2_controllers = Path("/sys/fs/cgroup/unified/cgroup.controllers")
        if layout.version == 1 and v2_controllers.exists():
            assert "memory" not in v2_controllers.read_text().split()
    else:
        assert "v1" in layout and "v2" in layout
        need(os.geteuid() != 0, f"root but no writable cgroups: {layout}")


def test_capped_log_keeps_head_and_tail():
    read_end, write_end = os.pipe()
    log = CappedLog(read_end, cap=20)
    os.write(write_end, b"HEAD-" + b"x" * 1000 + b"-TAIL")
    os.close(write_end)
    log.pump()
    text = log.text()
    assert text.startswith("HEAD-") and text.endswith("-TAIL")
    assert log.dropped == 1010 - 20 and "dropped" in text
    log.close()


@pytest.mark.parametrize("field", ["address_space_bytes", "memory_bytes"])
def test_default_limits_leave_room_for_numpy(field):
    assert getattr(ResourceLimits(), field) >= 2 * 1024**3
