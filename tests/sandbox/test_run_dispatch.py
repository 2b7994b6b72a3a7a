"""The embedded default: worker threads inside the server execute runs, end to end over real HTTP."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import update

from prodready.app import create_app
from prodready.db import Database, utcnow
from prodready.settings import Settings
from sandbox.execute import Execution, RunSpec
from sandbox.jobs import count_run_status, leases
from sandbox.jobs.inprocess import InProcessDispatcher
from sandbox.models import FINISHED, RunStatus, SandboxRun
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import sign_in
from tests.live_server import LiveServer, start_live_server
from tests.sandbox.conftest_jobs import (  # noqa: F401
    QUICK_CHECKS,
    StubService,
    jobs_db_fixture,
    jobs_settings,
    load_run,
    no_leftover_runs_fixture,
    queue_url_run,
    stub_service_fixture,
)

RUNS = "/api/v1/sandbox/runs"
pytestmark = pytest.mark.usefixtures("no_leftover_runs")




def _serve(database: Database, settings: Settings, executor=None) -> LiveServer:  # noqa: ANN001
    app: FastAPI = create_app(settings, database=database, configure_logs=False)
    if executor is not None:
        app.state.sandbox_dispatcher = InProcessDispatcher(
            database, settings, executor=executor, on_status=lambda s: count_run_status(app.state.metrics, s))
    return start_live_server(app)


def _wait_for(database: Database, run_id: str, statuses: frozenset, timeout: float = 60) -> SandboxRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = load_run(database, run_id)
        if run.status in statuses:
            return run
        time.sleep(0.05)
    raise AssertionError(f"run {run_id} still {load_run(database, run_id).status} after {timeout} s")


def _waits_for_cancel(started: threading.Event):  # noqa: ANN202
    def execute(spec: RunSpec, settings: Settings, cancelled: threading.Event) -> Execution:
        started.set()
        cancelled.wait(30)
        return Execution(RunStatus.CANCELLED, error="stopped")

    return execute


def test_a_url_run_is_probed_end_to_end_and_its_report_recorded(jobs_db, tmp_path, stub_service: StubService):
    server = _serve(jobs_db, jobs_settings(tmp_path))
    try:
        user = make_user(jobs_db)
        with server.client() as client:
            headers = sign_in(client, user.email, DEFAULT_PASSWORD).headers
            created = client.post(RUNS, json={"task": "churn-deploy", "url": stub_service.url}, headers=headers)
            assert created.status_code == 201, created.text
            run = _wait_for(jobs_db, created.json()["id"], FINISHED)
            body = client.get(f"{RUNS}/{run.id}", headers=headers).json()
            metrics = client.get("/metrics").text
    finally:
        server.stop()
    assert body["status"] == "succeeded", body["error"]
    assert body["verdict"] == body["report"]["verdict"] == "fail"  # a stub that only answers /healthz
    assert [check["id"] for check in body["report"]["checks"]] == QUICK_CHECKS.split(",")
    assert body["score"] == body["report"]["score"] and body["attempts"] == 1 and body["finished_at"]
    assert stub_service.requests >= body["report"]["requests_sent"] > 0
    assert 'prodready_sandbox_runs_total{status="succeeded"} 1.0' in metrics


def test_an_unsafe_url_is_recorded_as_could_not_run_with_the_reason(jobs_db, tmp_path, stub_service: StubService):
    run = queue_url_run(jobs_db, url=stub_service.url)
    server = _serve(jobs_db, jobs_settings(tmp_path, sandbox_allow_loopback=False))
    try:
        finished = _wait_for(jobs_db, run.id, FINISHED)
    finally:
        server.stop()
    assert finished.status == RunStatus.COULD_NOT_RUN and finished.report is None
    assert "loopback" in finished.error and stub_service.requests == 0


def test_runs_queued_before_the_server_started_are_picked_up(jobs_db, tmp_path, stub_service: StubService):
    run = queue_url_run(jobs_db, url=stub_service.url)
    server = _serve(jobs_db, jobs_settings(tmp_path))
    try:
        assert _wait_for(jobs_db, run.id, FINISHED).status == RunStatus.SUCCEEDED
    finally:
        server.stop()


def test_a_run_whose_worker_died_is_retried_by_the_reaper(jobs_db, tmp_path, stub_service: StubService):
    run = queue_url_run(jobs_db, url=stub_service.url)
    assert leases.claim(jobs_db, run.id, "a-worker-that-died", lease_seconds=60, max_attempts=2)
    with jobs_db.unit_of_work() as session:
        session.execute(update(SandboxRun).where(SandboxRun.id == run.id)  # type: ignore[arg-type]
                        .values(lease_expires_at=utcnow() - timedelta(seconds=1)))
    server = _serve(jobs_db, jobs_settings(tmp_path))
    try:
        finished = _wait_for(jobs_db, run.id, FINISHED)
    finally:
        server.stop()
    assert (finished.status, finished.attempts) == (RunStatus.SUCCEEDED, 2)
    assert finished.worker_id != "a-worker-that-died"


def test_cancelling_a_running_run_stops_its_execution(jobs_db, tmp_path):
    started = threading.Event()
    server = _serve(jobs_db, jobs_settings(tmp_path), executor=_waits_for_cancel(started))
    try:
        user = make_user(jobs_db)
        with server.client() as client:
            headers = sign_in(client, user.email, DEFAULT_PASSWORD).headers
            run_id = client.post(RUNS, json={"task": "churn-deploy", "url": "https://example.com"},
                                 headers=headers).json()["id"]
            assert started.wait(30)
            assert client.post(f"{RUNS}/{run_id}/cancel", headers=headers).json()["status"] == "cancelled"
        # the worker notices at its next heartbeat and its late result is not recorded
        time.sleep(1.5)
        assert load_run(jobs_db, run_id).status == RunStatus.CANCELLED
    finally:
        server.stop()


def test_shutting_down_hands_a_running_run_back_to_the_queue(jobs_db, tmp_path):
    started = threading.Event()
    run = queue_url_run(jobs_db, url="https://example.com")
    server = _serve(jobs_db, jobs_settings(tmp_path), executor=_waits_for_cancel(started))
    assert started.wait(30)
    assert load_run(jobs_db, run.id).status == RunStatus.RUNNING
    server.stop()
    after = load_run(jobs_db, run.id)
    assert (after.status, after.attempts, after.worker_id) == (RunStatus.QUEUED, 0, None)
