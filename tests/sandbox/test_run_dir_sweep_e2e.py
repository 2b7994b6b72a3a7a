"""The real thing: an isolated run whose worker is SIGKILLed mid-run leaves a directory with planted links,
which the in-process workers' loop sweeps without following them; and the runner's own cleanup at the
end of a run gets through what the service left."""

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
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from prodready.db import Database
from prodready.settings import Settings
from sandbox.execute import RUN_DIR_NAME, Execution, RunSpec, run_dir_name
from sandbox.isolation import cgroups
from sandbox.isolation.remove import remove_tree
from sandbox.jobs import housekeeping
from sandbox.jobs.housekeeping import sweep_run_dirs
from sandbox.jobs.inprocess import InProcessDispatcher
from sandbox.models import RunStatus
from sandbox.runner import arun_submission
from tests.sandbox.attack_projects.support import PROJECTS
from tests.sandbox.conftest_jobs import (  # noqa: F401
    jobs_db_fixture,
    jobs_settings,
    load_run,
    no_leftover_runs_fixture,
)
from tests.sandbox.planted_trees import make_platform, platform_intact
from tests.sandbox.test_upload_retention import archive_run

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




@pytest.mark.slow
@pytest.mark.usefixtures("no_leftover_runs")
def test_a_worker_killed_mid_run_leaves_a_directory_the_loop_sweeps_without_following_planted_links(
    jobs_db: Database, tmp_path: Path, runtime_dir: Path, work_root_for_runs: Path
):
    platform = make_platform(Path(tempfile.mkdtemp(prefix="prodready-platform-")))
    platform.chmod(0o755)
    (platform / "data").chmod(0o755)
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
            # Each pass reaps expired leases, then sweeps directories. A lease that expires between the
            # two has its directory swept in that pass and its run failed in the next, so wait for both.
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and (
                    os.path.lexists(run_dir) or load_run(jobs_db, run_id).status != RunStatus.FAILED):
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
