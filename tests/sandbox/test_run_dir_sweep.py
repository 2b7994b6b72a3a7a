"""Run directories (and cgroups) left by a worker that died are swept; those of runs executing under a
live lease, or just cancelled, are kept; links named like run directories are not followed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from prodready.db import Database, utcnow
from prodready.settings import Settings
from sandbox.execute import RUN_DIR_NAME, baseline_run_name, run_dir_name
from sandbox.isolation import cgroups
from sandbox.jobs import housekeeping
from sandbox.jobs.housekeeping import sweep_run_dirs
from sandbox.models import RunStatus
from tests.sandbox.attack_projects.support import need
from tests.sandbox.conftest_jobs import jobs_settings, load_run
from tests.sandbox.planted_trees import plant, platform_intact
from tests.sandbox.test_upload_retention import archive_run, set_run

LEASE = 60.0


def make_run_dir(work_root: Path, run_id: str) -> Path:
    run_dir = work_root / run_dir_name(run_id)
    assert RUN_DIR_NAME.fullmatch(run_dir.name)
    (run_dir / "run").mkdir(parents=True)
    (run_dir / "project").mkdir()
    (run_dir / "run" / "service.sock").write_text("")
    return run_dir


def age(path: Path, by: timedelta) -> None:
    when = time.time() - by.total_seconds()
    os.utime(path, (when, when), follow_symlinks=False)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return jobs_settings(tmp_path / "data")


@pytest.fixture
def work_root(tmp_path: Path) -> Path:
    path = tmp_path / "runs"
    path.mkdir()
    return path


def running(database: Database, run_id: str, *, lease_left: float, last_beat: float = 1.0) -> None:
    now = utcnow()
    set_run(database, run_id, status=RunStatus.RUNNING, worker_id="w", attempts=1, started_at=now,
            heartbeat_at=now - timedelta(seconds=last_beat), lease_expires_at=now + timedelta(seconds=lease_left))


class TestSweep:
    def test_a_run_executing_under_a_live_lease_keeps_its_directory(self, db, settings, work_root, platform):
        run_id, _ = archive_run(db, settings)
        running(db, run_id, lease_left=30)
        run_dir = make_run_dir(work_root, run_id)
        plant(run_dir, platform)
        swept = sweep_run_dirs(db, work_root, grace_seconds=LEASE)
        assert swept.directories == [] and (run_dir / "run" / "locked" / "inner" / "data.txt").exists()
        assert os.path.islink(run_dir / "run" / "escape-file")

    def test_a_dead_workers_directory_goes_once_its_lease_expired_and_links_out_are_not_followed(
        self, db, settings, work_root, platform
    ):
        run_id, _ = archive_run(db, settings)
        running(db, run_id, lease_left=-1, last_beat=LEASE + 1)  # its heartbeats stopped a lease ago
        run_dir = make_run_dir(work_root, run_id)
        plant(run_dir, platform)
        swept = sweep_run_dirs(db, work_root, grace_seconds=LEASE)
        assert swept.directories == [run_dir.name] and not os.path.lexists(run_dir)
        assert platform_intact(platform)
        assert load_run(db, run_id).status == RunStatus.RUNNING, "the sweep leaves the run to the reaper"

    def test_finished_requeued_and_deleted_runs_lose_their_leftover_directories(self, db, settings, work_root):
        finished, _ = archive_run(db, settings)
        set_run(db, finished, status=RunStatus.FAILED, finished_at=utcnow() - timedelta(hours=1),
                heartbeat_at=utcnow() - timedelta(hours=1))
        requeued, _ = archive_run(db, settings)  # reaped after its worker died; a retry makes a new directory
        set_run(db, requeued, status=RunStatus.QUEUED, attempts=1, heartbeat_at=utcnow() - timedelta(minutes=5))
        never_started, _ = archive_run(db, settings)
        dirs = [make_run_dir(work_root, run_id) for run_id in (finished, requeued, never_started)]
        swept = sweep_run_dirs(db, work_root, grace_seconds=LEASE)
        assert sorted(swept.directories) == sorted(d.name for d in dirs)
        assert list(work_root.iterdir()) == []

    def test_a_just_cancelled_run_keeps_its_directory_a_lease_for_its_worker_to_tear_down(
        self, db, settings, work_root
    ):
        run_id, _ = archive_run(db, settings)
        running(db, run_id, lease_left=30)
        set_run(db, run_id, status=RunStatus.CANCELLED, finished_at=utcnow(), lease_expires_at=None)
        run_dir = make_run_dir(work_root, run_id)
        assert sweep_run_dirs(db, work_root, grace_seconds=LEASE).directories == [] and run_dir.exists()
        later = utcnow() + timedelta(seconds=LEASE + 1)
        assert sweep_run_dirs(db, work_root, grace_seconds=LEASE, now=later).directories == [run_dir.name]
        assert not run_dir.exists()

    def test_a_stale_attempts_directory_is_kept_while_its_run_executes_again_elsewhere(
        self, db, settings, work_root
    ):
        run_id, _ = archive_run(db, settings)
        old_attempt, new_attempt = make_run_dir(work_root, run_id), make_run_dir(work_root, run_id)
        running(db, run_id, lease_left=30)
        assert sweep_run_dirs(db, work_root, grace_seconds=LEASE).directories == []
        assert old_attempt.exists() and new_attempt.exists()

    def test_directories_this_database_does_not_know_wait_a_day(self, db, work_root):
        foreign = make_run_dir(work_root, uuid.uuid4().hex)  # another installation's run, say
        cli = work_root / "run-0123456789ab"  # `prodready sandbox run`
        cli.mkdir()
        other = work_root / "other-run"  # not a run directory at all
        other.mkdir()
        for path in (foreign, cli, other):
            age(path, timedelta(hours=23))
        assert sweep_run_dirs(db, work_root, grace_seconds=LEASE).directories == []
        for path in (foreign, cli, other):
            age(path, timedelta(hours=25))
        swept = sweep_run_dirs(db, work_root, grace_seconds=LEASE)
        assert sorted(swept.directories) == sorted([foreign.name, cli.name])
        assert other.exists() and not foreign.exists() and not cli.exists()

    def test_a_link_named_like_a_run_directory_is_not_followed(self, db, settings, work_root, platform):
        run_id, _ = archive_run(db, settings)
        link = work_root / run_dir_name(run_id)
        link.symlink_to(platform, target_is_directory=True)
        assert sweep_run_dirs(db, work_root, grace_seconds=LEASE).directories == []
        assert os.path.islink(link) and platform_intact(platform)

    def test_no_work_root_is_no_error(self, db, tmp_path):
        assert sweep_run_dirs(db, tmp_path / "missing", grace_seconds=LEASE) == housekeeping.RunDirSweep()

    def test_the_cgroups_of_dead_runs_go_and_those_of_live_runs_stay(self, db, settings, work_root):
        need(os.geteuid() == 0, "making cgroups needs root")
        layout = cgroups.detect()
        need(isinstance(layout, cgroups.CgroupLayout), f"no writable cgroups here: {layout}")
        live, _ = archive_run(db, settings)
        dead, _ = archive_run(db, settings)
        running(db, live, lease_left=30)
        running(db, dead, lease_left=-1, last_beat=LEASE + 1)
        foreign = run_dir_name(uuid.uuid4().hex)
        groups = [cgroups.RunCgroup(layout, name) for name in (run_dir_name(live), run_dir_name(dead), foreign)]
        try:
            for group in groups:
                group.create(64 * 1024 * 1024, 16, 0.5)
            swept = sweep_run_dirs(db, work_root, grace_seconds=LEASE, cgroup_layout=layout)
            assert swept.cgroups == [groups[1].name]
            assert cgroups.group_names(layout) >= {groups[0].name, foreign}
            assert groups[1].name not in cgroups.group_names(layout)
        finally:
            for group in groups:
                group.remove()


class TestBaselineRuns:
    """The latency baseline's reference runs have no run id; a dead worker's go after an hour."""

    def test_a_baseline_directory_goes_once_it_is_an_hour_old(self, db, work_root):
        leftover = work_root / baseline_run_name()
        (leftover / "run").mkdir(parents=True)
        age(leftover, timedelta(minutes=50))
        assert sweep_run_dirs(db, work_root, grace_seconds=LEASE).directories == []
        age(leftover, timedelta(minutes=70))
        assert sweep_run_dirs(db, work_root, grace_seconds=LEASE).directories == [leftover.name]
        assert not leftover.exists()

    def test_a_baseline_cgroup_is_killed_and_removed_once_it_is_an_hour_old(self, db, work_root):
        need(os.geteuid() == 0, "making cgroups needs root")
        layout = cgroups.detect()
        need(isinstance(layout, cgroups.CgroupLayout), f"no writable cgroups here: {layout}")
        group = cgroups.RunCgroup(layout, baseline_run_name())
        reference = None
        try:
            group.create(64 * 1024 * 1024, 16, 0.5)
            # the reference service a dead worker left running
            reference = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
            group.add(reference.pid)
            # Other baseline groups may be about: ones that workers killed by earlier tests left.
            swept = sweep_run_dirs(db, work_root, grace_seconds=LEASE, cgroup_layout=layout)
            assert group.name not in swept.cgroups
            assert group.name in cgroups.group_names(layout) and reference.poll() is None
            later = utcnow() + timedelta(minutes=61)
            swept = sweep_run_dirs(db, work_root, grace_seconds=LEASE, cgroup_layout=layout, now=later)
            assert group.name in swept.cgroups
            assert group.name not in cgroups.group_names(layout)
            assert reference.wait(timeout=10) is not None  # killed with its group
        finally:
            if reference is not None and reference.poll() is None:
                reference.kill()
            group.remove()
