"""What hostile code leaves in a run directory, and the platform files it would like deleted.

Shared by the tests of `remove_tree`, the sweep and the runner's cleanup. Every planted link points
into the test's own temporary "platform" directory, never at the host's files: a removal bug must
fail a test, not cost the machine.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from pathlib import Path

import pytest


def make_platform(directory: Path) -> Path:
    """Stand-ins for the platform's files a candidate would like deleted: a file and a directory of files."""
    (directory / "data").mkdir(parents=True, exist_ok=True)
    (directory / "prodready.db").write_text("platform database")
    (directory / "data" / "secret_key").write_text("platform secret")
    return directory


@pytest.fixture
def platform(tmp_path: Path) -> Path:
    return make_platform(tmp_path / "platform")


def platform_intact(platform: Path) -> bool:
    return ((platform / "prodready.db").read_text() == "platform database"
            and (platform / "data" / "secret_key").read_text() == "platform secret")


def plant(run_dir: Path, platform: Path) -> None:
    """What hostile code leaves in its run directory: links out, read-only and unreadable directories."""
    sandbox_run = run_dir / "run"
    (sandbox_run / "locked" / "inner").mkdir(parents=True)
    (sandbox_run / "locked" / "inner" / "data.txt").write_text("candidate data")
    (sandbox_run / "escape-file").symlink_to(platform / "prodready.db")
    (sandbox_run / "escape-dir").symlink_to(platform / "data")
    (sandbox_run / "locked" / "escape-up").symlink_to(platform)  # never a link to "/": a bug must not cost the host
    (sandbox_run / "locked" / "relative-escape").symlink_to(os.path.relpath(platform, sandbox_run / "locked"))
    (sandbox_run / "hidden").mkdir()
    (sandbox_run / "hidden" / "file").write_text("x")
    (sandbox_run / "noperm.txt").write_text("x")
    (sandbox_run / "noperm.txt").chmod(0)
    (sandbox_run / "hidden").chmod(0)
    (sandbox_run / "locked" / "inner").chmod(0o500)
    (sandbox_run / "locked").chmod(0o500)
    (sandbox_run / "write-only").mkdir(mode=0o300)
    (run_dir / "project").mkdir(exist_ok=True)
    (run_dir / "project" / "app.py").write_text("print('hi')\n")


def as_user(uid: int, gid: int, action: Callable[[], bool]) -> int:
    """Run `action` in a child process as uid:gid (as is, when not root); 0 when it returned True."""
    if os.geteuid() != 0:
        return 0 if action() else 1
    pid = os.fork()
    if pid == 0:  # the child: only system calls, then _exit
        code = 1
        try:
            os.setgroups([])
            os.setresgid(gid, gid, gid)
            os.setresuid(uid, uid, uid)
            code = 0 if action() else 2
        except BaseException:
            traceback.print_exc()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)
