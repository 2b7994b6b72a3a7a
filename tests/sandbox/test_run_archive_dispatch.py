"""An uploaded archive goes through the API, a worker thread and the isolated runner, and its
outcome (report, isolation layers, timings, resources, logs) is recorded on the run."""

from __future__ import annotations

import time

import pytest

from prodready.app import create_app
from sandbox.models import FINISHED
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import sign_in
from tests.live_server import start_live_server
from tests.sandbox.conftest_jobs import jobs_db_fixture, jobs_settings, load_run  # noqa: F401
from tests.sandbox.test_runner_e2e import reference_archive

pytestmark = pytest.mark.slow


def test_the_reference_solution_uploaded_as_an_archive_passes(jobs_db, tmp_path, runtime_dir, work_root):
    settings = jobs_settings(tmp_path / "data", sandbox_runtime_dir=runtime_dir, sandbox_work_root=work_root)
    server = start_live_server(create_app(settings, database=jobs_db, configure_logs=False))
    try:
        user = make_user(jobs_db)
        with server.client() as client:
            headers = sign_in(client, user.email, DEFAULT_PASSWORD).headers
            archive = reference_archive(tmp_path).read_bytes()
            created = client.post("/api/v1/sandbox/runs/archive", data={"task": "churn-deploy"},
                                  files={"file": ("reference.zip", archive, "application/zip")}, headers=headers)
            assert created.status_code == 201, created.text
            deadline = time.monotonic() + 240
            while load_run(jobs_db, created.json()["id"]).status not in FINISHED and time.monotonic() < deadline:
                time.sleep(0.2)
            body = client.get(f"/api/v1/sandbox/runs/{created.json()['id']}", headers=headers).json()
    finally:
        server.stop()
    assert body["status"] == "succeeded", (body["error"], (body["logs"] or "")[-2000:])
    assert body["verdict"] == "pass", [(c["id"], c["summary"]) for c in body["report"]["checks"]]
    assert {layer["name"] for layer in body["isolation"]} and body["timings"]["boot_seconds"] > 0
    assert body["resources"] and body["archive_bytes"] == len(archive)
    assert list(work_root.iterdir()) == [], "the run directory is removed afterwards"
