"""Fixtures for sandbox runs as jobs: committed databases (workers use their own connections),
fast lease settings, tiny loopback targets to probe, and runs made directly in the database.

Import what a module needs: `from tests.sandbox.conftest_jobs import jobs_db_fixture  # noqa: F401`
(named apart from the fixture, `jobs_db`, so test parameters do not shadow the import).
"""

from __future__ import annotations

import http.server
import io
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import update

from prodready import migrate
from prodready.db import Database
from prodready.settings import Settings
from sandbox.jobs import service
from sandbox.models import RunMode, RunStatus, SandboxRun
from tests.conftest import BACKENDS, make_settings
from tests.factories import make_user

# Checks that answer quickly against a stub; the full suite is the prober's own tests' business.
QUICK_CHECKS = "health,contract,version"
FAST_LEASES = {
    "sandbox_lease_seconds": 4.0, "sandbox_heartbeat_seconds": 0.5, "sandbox_reap_seconds": 0.5,
    "sandbox_checks": QUICK_CHECKS, "sandbox_allow_loopback": True,
}


@pytest.fixture(scope="module", params=BACKENDS, name="jobs_db")
def jobs_db_fixture(request: pytest.FixtureRequest, database_url_factory) -> Iterator[Database]:
    """A migrated database whose writes are committed: workers see them from other threads and processes."""
    database = Database.from_url(database_url_factory(request.param))
    migrate.upgrade_to_head(database.engine)
    yield database
    database.dispose()


@pytest.fixture(name="no_leftover_runs")
def no_leftover_runs_fixture(jobs_db: Database) -> Iterator[None]:
    """After the test, cancel its queued and running runs: another test's workers must not pick them up."""
    yield
    with jobs_db.unit_of_work() as session:
        session.execute(update(SandboxRun).where(SandboxRun.status.in_(["queued", "running"]))  # type: ignore[attr-defined]
                        .values(status=RunStatus.CANCELLED, lease_expires_at=None))


def service_archive() -> bytes:
    """The smallest upload that validates: a zip with a manifest."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("prodready-service.toml", "[service]\ncommand = ['python', 'app.py']\n")
    return buffer.getvalue()


def jobs_settings(data_dir: Path, **overrides: object) -> Settings:
    return make_settings(data_dir, **{**FAST_LEASES, **overrides})


def queue_url_run(database: Database, *, url: str = "http://127.0.0.1:9", user_id: str | None = None,
                  task: str = "churn-deploy") -> SandboxRun:
    user_id = user_id or make_user(database).id
    with database.unit_of_work() as session:
        from prodready.accounts.models import User

        user = session.get(User, user_id)
        created = service.create_run(session, user, service.NewRun(task_id=task, mode=RunMode.URL, target_url=url),
                                     idempotency_key=None)
        return created.run


def load_run(database: Database, run_id: str) -> SandboxRun:
    with database.unit_of_work(write=False) as session:
        run = session.get(SandboxRun, run_id)
        assert run is not None
        return run


@dataclass
class StubService:
    """A loopback HTTP service that answers /healthz (others 404); `delay` slows every answer."""

    server: http.server.ThreadingHTTPServer
    delay: threading.Event = field(default_factory=threading.Event)
    requests: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


def start_stub() -> StubService:
    stub: StubService

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            stub.requests += 1
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            if stub.delay.is_set():
                time.sleep(1.5)
            ok = self.path == "/healthz"
            body = b'{"status": "ok"}' if ok else b'{"detail": "not here"}'
            self.send_response(200 if ok else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    stub = StubService(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return stub


@pytest.fixture(name="stub_service")
def stub_service_fixture() -> Iterator[StubService]:
    stub = start_stub()
    yield stub
    stub.server.shutdown()
    stub.server.server_close()
