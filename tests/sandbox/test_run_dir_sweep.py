"""Run directories (and cgroups) left by a worker that died are swept; those of runs executing under a
live lease are kept. Removal never follows a link the candidate planted and gets through read-only and
unreadable directories, very deep nesting included. Real files, real databases, a real worker killed
with SIGKILL in the middle of an isolated run."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid
import zipfile
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from prodready.db import Database, utcnow
from prodready.settings import Settings
from sandbox.execute import RUN_DIR_NAME, Execution, RunSpec, run_dir_name
from sandbox.isolation import cgroups, ensure_sandbox_user
from sandbox.isolation.remove import remove_tree
from sandbox.jobs import housekeeping
from sandbox.jobs.housekeeping import sweep_run_dirs
from sandbox.jobs.inprocess import InProcessDispatcher
from sandbox.models import RunStatus, SandboxRun
from sandbox.runner import arun_submission
from tests.sandbox.attack_projects.support import PROJECTS, need
from tests.sandbox.conftest_jobs import jobs_db_fixture, jobs_settings, load_run  # noqa: F401
from tests.sandbox.test_upload_retention import archive_run, set_run

LEASE = 60.0


@pytest.fixture
def platform(tmp_path: Path) -> Path:
    """Stand-ins for the platform's files a candidate would like deleted: a file and a directory of files."""
    directory = tmp_path / "platform"
    (directory / "data").mkdir(parents=True)
    (directory / "prodready.db").write_text("platform database")
    (directory / "data" / "secret_key").write_text("platform secret")
    return directory


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
            readable = Path(tempfile.mkdtemp(prefix="prodready-platform-"))
            readable.chmod(0o755)
            try:
                (readable / "data").mkdir()
                (readable / "prodready.db").write_text("platform database")
                (readable / "data" / "secret_key").write_text("platform secret")

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


# The sweep, against the database's view of each run


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


# The real thing: an isolated run whose worker is killed, swept by the in-process workers' loop

APP = """
import json, os, sys
from pathlib import Path
from _serve import healthz, serve

targets = json.loads(Path("targets.json").read_text())
run = Path(sys.argv[1]).parent  # the run directory's socket directory, the one place it may write
(run / "locked" / "inner").mkdir(parents=True)
(run / "locked" / "inner" / "data.txt").write_text("candidate data")
(run / "locked" / "inner").chmod(0o500)
(run / "locked").chmod(0o500)
(run / "escape-file").symlink_to(targets["file"])
(run / "escape-dir").symlink_to(targets["dir"])
serve({"/healthz": healthz})
"""

WORKER = """
import asyncio, sys
import sandbox.prober
from prodready.db import Database
from prodready.settings import Settings
from sandbox.jobs.worker import process_run

async def forever(base_url, task_id, *, transport=None, options=None):
    print("probing", flush=True)
    await asyncio.sleep(600)

sandbox.prober.probe = forever  # the run stays in the middle of its probe until the worker is killed
settings = Settings()
process_run(Database.from_url(settings.resolved_database_url), settings, sys.argv[1], worker_id="doomed")
"""


def hostile_archive(platform: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(PROJECTS / "_serve.py", "_serve.py")
        archive.writestr("app.py", APP)
        archive.writestr("targets.json", json.dumps({"file": str(platform / "prodready.db"),
                                                     "dir": str(platform / "data")}))
        archive.writestr("prodready-service.toml",
                         '[service]\ncommand = ["python", "app.py", "{socket}"]\nstartup_timeout_seconds = 20\n')
    return buffer.getvalue()


@pytest.fixture
def _no_leftover_runs(jobs_db: Database) -> Iterator[None]:
    yield
    with jobs_db.unit_of_work() as session:  # another test's workers must not pick these up
        session.execute(update(SandboxRun).where(SandboxRun.status.in_(["queued", "running"]))  # type: ignore[attr-defined]
                        .values(status=RunStatus.CANCELLED, lease_expires_at=None))


@pytest.mark.slow
@pytest.mark.usefixtures("_no_leftover_runs")
def test_a_worker_killed_mid_run_leaves_a_directory_the_loop_sweeps_without_following_planted_links(
    jobs_db: Database, tmp_path: Path, runtime_dir: Path, work_root_for_runs: Path
):
    platform = Path(tempfile.mkdtemp(prefix="prodready-platform-"))
    platform.chmod(0o755)
    (platform / "data").mkdir(mode=0o755)
    (platform / "prodready.db").write_text("platform database")
    (platform / "data" / "secret_key").write_text("platform secret")
    overrides = {"sandbox_runtime_dir": runtime_dir, "sandbox_work_root": work_root_for_runs,
                 "sandbox_max_attempts": 1, "sandbox_workers": 1}
    settings = jobs_settings(tmp_path / "data", **overrides)
    run_id, path = archive_run(jobs_db, settings)
    path.write_bytes(hostile_archive(platform))
    env = {key: value for key, value in os.environ.items() if not key.startswith("PRODREADY_")}
    env.update({f"PRODREADY_{name.upper()}": str(value).lower() if isinstance(value, bool) else str(value)
                for name, value in settings.model_dump(exclude_none=True).items()
                if isinstance(value, str | int | float | bool | Path)})
    env.update({"PRODREADY_DATABASE_URL": jobs_db.engine.url.render_as_string(hide_password=False),
                "PRODREADY_SECRET_KEY": settings.signing_key()})
    (tmp_path / "worker.py").write_text(WORKER)
    worker = subprocess.Popen([sys.executable, str(tmp_path / "worker.py"), run_id], env=env,
                              stdout=subprocess.PIPE, cwd=Path(__file__).parents[2])
    try:
        output = []
        while (line := worker.stdout.readline()) and line != b"probing\n":  # log lines come first
            output.append(line)
        assert line == b"probing\n", b"".join(output).decode(errors="replace")[-3000:]
        (run_dir,) = [d for d in work_root_for_runs.iterdir() if d.name.startswith(f"run-{run_id}-")]
        assert os.path.islink(run_dir / "run" / "escape-file") and os.path.islink(run_dir / "run" / "escape-dir")
        assert load_run(jobs_db, run_id).status == RunStatus.RUNNING
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    layout = housekeeping._cgroup_layout()  # noqa: SLF001 - the layout the loop uses
    try:
        # the worker is dead but its lease has not expired: the database says it runs, so nothing goes yet
        assert sweep_run_dirs(jobs_db, work_root_for_runs, grace_seconds=settings.sandbox_lease_seconds,
                              cgroup_layout=layout).directories == []
        assert run_dir.exists()

        def no_work(spec: RunSpec, _settings: Settings, cancelled: threading.Event) -> Execution:
            return Execution(RunStatus.COULD_NOT_RUN, error="not this test's business")

        dispatcher = InProcessDispatcher(jobs_db, settings, executor=no_work)
        asyncio.run(dispatcher.start())
        try:
            deadline = time.monotonic() + 60
            while os.path.lexists(run_dir) and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            asyncio.run(dispatcher.stop())
        assert not os.path.lexists(run_dir), "the loop swept the dead worker's directory"
        assert platform_intact(platform), "the planted links' targets are untouched"
        run = load_run(jobs_db, run_id)
        assert run.status == RunStatus.FAILED and run.error.startswith("the worker stopped responding")
        if layout is not None:
            assert run_dir.name not in cgroups.group_names(layout), "its cgroups went with it"
    finally:
        remove_tree(platform)


@pytest.fixture
def work_root_for_runs() -> Iterator[Path]:
    """A short, world-traversable work root (the sandbox account must reach it; the socket path must fit)."""
    path = Path(tempfile.mkdtemp(prefix="prodready-runs-"))
    path.chmod(0o711)
    yield path
    remove_tree(path)


def test_a_runs_directory_is_named_after_it_and_removed_by_the_runner_however_it_was_left(
    tmp_path: Path, runtime_dir: Path, work_root_for_runs: Path, platform: Path
):
    """The runner's own cleanup at the end of a run gets through what the service left, too."""
    seen: list[str] = []

    async def look(base_url, task_id, *, transport=None, options=None):  # noqa: ANN001, ANN202
        seen.extend(d.name for d in work_root_for_runs.iterdir())
        return {"looked": True}

    archive = tmp_path / "hostile.zip"
    archive.write_bytes(hostile_archive(platform))
    run_id = uuid.uuid4().hex
    outcome = asyncio.run(arun_submission(archive, "churn-deploy", environment="local",
                                          work_root=work_root_for_runs, runtime_dir=runtime_dir, probe=look,
                                          run_name=run_dir_name(run_id)))
    assert outcome.status == "completed", outcome.to_dict()
    assert len(seen) == 1 and RUN_DIR_NAME.fullmatch(seen[0])[1] == run_id
    assert list(work_root_for_runs.iterdir()) == [] and platform_intact(platform)
