"""At scale: `prodready worker` processes (PostgreSQL + Redis, their own environment) take runs
from the saq queue; one killed with SIGKILL mid-run never leaves its run "running"."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from prodready import migrate
from prodready.app import create_app
from prodready.db import Database
from sandbox.jobs.queue import QueueDispatcher
from sandbox.models import FINISHED, RunStatus, SandboxRun
from tests.conftest import TEST_SECRET
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import sign_in
from tests.live_server import start_live_server
from tests.sandbox.conftest_jobs import (  # noqa: F401
    FAST_LEASES,
    StubService,
    jobs_settings,
    load_run,
    queue_url_run,
    stub_service_fixture,
)
from tests.services import require_redis

PRODREADY = Path(sys.executable).with_name("prodready")


@pytest.fixture(name="pg_db", scope="module")
def pg_db_fixture(database_url_factory) -> Iterator[Database]:
    database = Database.from_url(database_url_factory("postgres"))
    migrate.upgrade_to_head(database.engine)
    yield database
    database.dispose()


@pytest.fixture(name="queue_env")
def queue_env_fixture(pg_db: Database, tmp_path: Path) -> dict[str, str]:
    """What a worker on another machine would be given: URLs and settings, nothing else."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PRODREADY_")}
    env.update({
        "PRODREADY_DATABASE_URL": pg_db.engine.url.render_as_string(hide_password=False),
        "PRODREADY_REDIS_URL": require_redis(),
        "PRODREADY_SANDBOX_QUEUE_NAME": f"test-{uuid.uuid4().hex[:8]}",
        "PRODREADY_DATA_DIR": str(tmp_path / "worker-data"),
        "PRODREADY_SECRET_KEY": TEST_SECRET,
        "PRODREADY_LOG_LEVEL": "INFO",
        "PRODREADY_SANDBOX_MAX_ATTEMPTS": "2",
    })
    env.update({f"PRODREADY_{name.upper()}": str(value).lower() if isinstance(value, bool) else str(value)
                for name, value in FAST_LEASES.items()})
    return env


def _settings(env: dict[str, str], tmp_path: Path):  # noqa: ANN202 - the test's own view of those settings
    return jobs_settings(tmp_path, redis_url=env["PRODREADY_REDIS_URL"],
                         sandbox_queue_name=env["PRODREADY_SANDBOX_QUEUE_NAME"])


def _start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([str(PRODREADY), "worker", "--concurrency", "1"], env=env,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _dispatch(settings, run_id: str) -> None:  # noqa: ANN001
    async def go() -> None:
        dispatcher = QueueDispatcher(settings)
        await dispatcher.start()
        try:
            await dispatcher.dispatch(run_id)
        finally:
            await dispatcher.stop()

    asyncio.run(go())


def _wait(database: Database, run_id: str, until, timeout: float, log: Path) -> SandboxRun:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = load_run(database, run_id)
        if until(run):
            return run
        time.sleep(0.05)
    run = load_run(database, run_id)
    raise AssertionError(f"run is {run.status} after {run.attempts} attempts ({run.error}); "
                         f"worker log:\n{log.read_text()[-3000:]}")


def test_a_run_created_through_the_api_is_completed_by_a_worker_process(
    pg_db, queue_env, tmp_path, stub_service: StubService
):
    log = tmp_path / "worker.log"
    worker = _start_worker(queue_env, log)
    server = start_live_server(create_app(_settings(queue_env, tmp_path), database=pg_db, configure_logs=False))
    try:
        user = make_user(pg_db)
        with server.client() as client:
            headers = sign_in(client, user.email, DEFAULT_PASSWORD).headers
            created = client.post("/api/v1/sandbox/runs", json={"task": "churn-deploy", "url": stub_service.url},
                                  headers=headers)
            assert created.status_code == 201, created.text
        finished = _wait(pg_db, created.json()["id"], lambda r: r.status in FINISHED, 150, log)
    finally:
        server.stop()
        _stop(worker)
    assert finished.status == RunStatus.SUCCEEDED, finished.error
    assert finished.report["checks"] and finished.worker_id.startswith("worker:")
    assert worker.returncode == 0, log.read_text()[-2000:]


def test_a_worker_killed_mid_run_leaves_the_run_to_the_reaper(pg_db, queue_env, tmp_path, stub_service: StubService):
    log = tmp_path / "worker.log"
    stub_service.delay.set()  # every answer takes 1.5 s: the run is still probing when its worker dies
    doomed = _start_worker(queue_env, log)
    rescuer = None
    try:
        run = queue_url_run(pg_db, url=stub_service.url)
        _dispatch(_settings(queue_env, tmp_path), run.id)
        running = _wait(pg_db, run.id, lambda r: r.status == RunStatus.RUNNING and stub_service.requests, 150, log)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(10)
        time.sleep(0.5)
        assert load_run(pg_db, run.id).status == RunStatus.RUNNING  # nobody told the database

        stub_service.delay.clear()
        rescuer = _start_worker(queue_env, log)  # its reaper finds the expired lease and retries the run
        finished = _wait(pg_db, run.id, lambda r: r.status in FINISHED, 150, log)
    finally:
        _stop(doomed)
        if rescuer is not None:
            _stop(rescuer)
    assert (finished.status, finished.attempts) == (RunStatus.SUCCEEDED, 2), (finished.error, log.read_text()[-3000:])
    assert finished.worker_id != running.worker_id

