"""`remove_tree` deletes what the sandbox wrote without following a link the candidate planted, and gets
through read-only and unreadable directories and nesting deeper than Python could recurse."""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from pathlib import Path

from sandbox.execute import run_dir_name
from sandbox.isolation import ensure_sandbox_user
from sandbox.isolation.remove import remove_tree
from tests.sandbox.planted_trees import as_user, make_platform, plant, platform_intact


class TestRemoveTree:
    def test_links_out_of_the_run_directory_are_removed_never_their_targets(self, tmp_path: Path, platform: Path):
        run_dir = tmp_path / "work" / run_dir_name(uuid.uuid4().hex)
        run_dir.mkdir(parents=True)
        plant(run_dir, platform)
        assert remove_tree(run_dir)
        assert not os.path.lexists(run_dir)
        assert platform_intact(platform)

    def test_a_run_directory_that_is_itself_a_link_only_loses_the_link(self, tmp_path: Path, platform: Path):
        link = tmp_path / run_dir_name(uuid.uuid4().hex)
        link.symlink_to(platform)
        assert remove_tree(link) and not os.path.lexists(link) and platform_intact(platform)

    def test_very_deep_nesting_is_removed_without_recursion_limits(self, tmp_path: Path):
        run_dir = tmp_path / "deep"
        run_dir.mkdir()
        fd = os.open(run_dir, os.O_RDONLY | os.O_DIRECTORY)
        for _ in range(sys.getrecursionlimit() + 500):  # deeper than Python could recurse
            os.mkdir("d", dir_fd=fd)
            child = os.open("d", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = child
        os.close(fd)
        assert remove_tree(run_dir) and not run_dir.exists()

    def test_a_missing_path_is_already_removed(self, tmp_path: Path):
        assert remove_tree(tmp_path / "never-made")

    def test_read_only_trees_written_by_the_unprivileged_sandbox_account_are_removed(self):
        """Without root (the sandbox account removes what it wrote): modes are no obstacle, links are not followed."""
        if os.geteuid() == 0:
            account = ensure_sandbox_user()
            uid, gid = account.pw_uid, account.pw_gid
        else:
            uid, gid = os.getuid(), os.getgid()
        work = Path(tempfile.mkdtemp(prefix="prodready-sweep-"))
        try:
            work.chmod(0o711)
            os.chown(work, uid, gid)
            run_dir = work / run_dir_name(uuid.uuid4().hex)
            # the platform's files: not writable by the account, so only root could have hurt them anyway
            readable = make_platform(Path(tempfile.mkdtemp(prefix="prodready-platform-")))
            readable.chmod(0o755)
            try:

                def build_and_remove() -> bool:
                    run_dir.mkdir(mode=0o711)
                    plant(run_dir, readable)
                    return remove_tree(run_dir) and not os.path.lexists(run_dir)

                assert as_user(uid, gid, build_and_remove) == 0
                assert not os.path.lexists(run_dir) and platform_intact(readable)
            finally:
                remove_tree(readable)
        finally:
            remove_tree(work)
