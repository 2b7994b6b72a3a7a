"""Uploaded archives are deleted a retention period after their run finished, never while it is queued
or running; files no run refers to go too. Real files, real databases (SQLite and PostgreSQL), the
real periodic loop of the in-process workers."""

from __future__ import annotations

import asyncio
import os
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from prodready.accounts.models import User
from prodready.db import Database, utcnow
from prodready.settings import Settings
from sandbox.execute import ARCHIVE_DELETED, Execution, RunSpec
from sandbox.jobs import housekeeping, service
from sandbox.jobs.housekeeping import sweep_uploads
from sandbox.jobs.inprocess import InProcessDispatcher
from sandbox.jobs.worker import process_run
from sandbox.models import FINISHED, RunMode, RunStatus, SandboxRun
from tests.conftest import make_settings
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import sign_in
from tests.sandbox.conftest_jobs import (  # noqa: F401
    jobs_db_fixture,
    jobs_settings,
    load_run,
    no_leftover_runs_fixture,
    service_archive,
)
from tests.web.pages import page_sign_in

ARCHIVE = b"PK\x05\x06" + b"\0" * 18  # an empty zip: these tests are about the file, not its contents
ENDED = [RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.COULD_NOT_RUN, RunStatus.CANCELLED]


def archive_run(database: Database, settings: Settings, *, user_id: str | None = None, suffix: str = ".zip",
                key: str | None = None) -> tuple[str, Path]:
    """A queued archive run made as the API makes it, with its upload stored where the API stores it."""
    user_id = user_id or make_user(database).id
    with database.unit_of_work() as session:
        request = service.NewRun(task_id="churn-deploy", mode=RunMode.ARCHIVE, archive_sha256="ab" * 32,
                                 archive_bytes=len(ARCHIVE), archive_suffix=suffix)
        run = service.create_run(session, session.get(User, user_id), request, idempotency_key=key).run
        run_id, relative = run.id, run.archive_path
    path = settings.data_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ARCHIVE)
    return run_id, path


def set_run(database: Database, run_id: str, **values: object) -> None:
    with database.unit_of_work() as session:
        session.execute(update(SandboxRun).where(SandboxRun.id == run_id).values(**values))  # type: ignore[arg-type]


def end_run(database: Database, run_id: str, status: RunStatus, *, ago: timedelta) -> None:
    set_run(database, run_id, status=status, finished_at=utcnow() - ago, lease_expires_at=None)


def age(path: Path, by: timedelta) -> None:
    when = time.time() - by.total_seconds()
    os.utime(path, (when, when), follow_symlinks=False)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data", sandbox_upload_retention_hours=24)


class TestRetention:
    @pytest.mark.parametrize("status", ENDED)
    def test_the_archive_of_a_run_that_ended_goes_after_the_retention_and_the_run_says_so(
        self, db: Database, settings: Settings, status: RunStatus
    ):
        run_id, path = archive_run(db, settings)
        end_run(db, run_id, status, ago=timedelta(hours=25))
        swept = sweep_uploads(db, settings)
        assert swept.expired == [run_id] and not path.exists()
        run = load_run(db, run_id)
        assert (run.status, run.archive_path, run.archive_sha256) == (status, None, "ab" * 32)

    def test_inside_the_retention_the_archive_is_kept(self, db: Database, settings: Settings):
        run_id, path = archive_run(db, settings)
        end_run(db, run_id, RunStatus.SUCCEEDED, ago=timedelta(hours=23))
        assert sweep_uploads(db, settings).expired == []
        assert path.read_bytes() == ARCHIVE and load_run(db, run_id).archive_path is not None

    def test_retention_zero_deletes_it_as_soon_as_the_run_ended(self, db: Database, tmp_path: Path):
        settings = make_settings(tmp_path / "data", sandbox_upload_retention_hours=0)
        run_id, path = archive_run(db, settings)
        end_run(db, run_id, RunStatus.FAILED, ago=timedelta(0))
        assert sweep_uploads(db, settings).expired == [run_id] and not path.exists()

    def test_queued_and_running_archives_are_never_deleted_however_old(self, db: Database, tmp_path: Path):
        settings = make_settings(tmp_path / "data", sandbox_upload_retention_hours=0)
        month = utcnow() - timedelta(days=30)
        queued, queued_path = archive_run(db, settings)
        running, running_path = archive_run(db, settings)
        lapsed, lapsed_path = archive_run(db, settings)
        set_run(db, queued, created_at=month)
        set_run(db, running, created_at=month, status=RunStatus.RUNNING, worker_id="w", attempts=1,
                started_at=month, heartbeat_at=utcnow(), lease_expires_at=utcnow() + timedelta(seconds=60))
        # its worker died and the reaper has not taken it back yet: a retry will read the archive
        set_run(db, lapsed, created_at=month, status=RunStatus.RUNNING, worker_id="dead", attempts=1,
                started_at=month, heartbeat_at=month, lease_expires_at=month)
        for path in (queued_path, running_path, lapsed_path):
            age(path, timedelta(days=30))
        swept = sweep_uploads(db, settings, now=utcnow() + timedelta(days=365))
        assert swept.expired == [] and swept.orphans == []
        assert all(path.read_bytes() == ARCHIVE for path in (queued_path, running_path, lapsed_path))
        assert all(load_run(db, run_id).archive_path for run_id in (queued, running, lapsed))

    def test_a_run_without_an_end_time_counts_from_when_it_was_made(self, db: Database, settings: Settings):
        run_id, path = archive_run(db, settings)
        set_run(db, run_id, status=RunStatus.CANCELLED, finished_at=None, created_at=utcnow() - timedelta(days=2))
        assert sweep_uploads(db, settings).expired == [run_id] and not path.exists()

    def test_an_archive_deleted_by_hand_is_no_error(self, db: Database, settings: Settings):
        run_id, path = archive_run(db, settings)
        end_run(db, run_id, RunStatus.SUCCEEDED, ago=timedelta(days=3))
        path.unlink()
        assert sweep_uploads(db, settings).expired == []  # only files that exist are looked at
        assert load_run(db, run_id).archive_path is not None
        assert sweep_uploads(db, settings).expired == []


class TestOrphans:
    def test_files_no_run_refers_to_go_once_older_than_the_retention(self, db: Database, settings: Settings):
        uploads = settings.data_dir / housekeeping.UPLOADS
        uploads.mkdir(parents=True)
        old_orphan, young_orphan = uploads / f"{uuid.uuid4().hex}.zip", uploads / f"{uuid.uuid4().hex}.tar.gz"
        old_incoming, young_incoming = uploads / ".incoming-old.zip", uploads / ".incoming-young.tgz"
        for path in (old_orphan, young_orphan, old_incoming, young_incoming):
            path.write_bytes(ARCHIVE)
        age(old_orphan, timedelta(hours=25))
        age(old_incoming, timedelta(hours=25))
        age(young_orphan, timedelta(hours=23))
        swept = sweep_uploads(db, settings)
        assert sorted(swept.orphans) == sorted([old_orphan.name, old_incoming.name])
        assert not old_orphan.exists() and not old_incoming.exists()
        assert young_orphan.exists() and young_incoming.exists()

    def test_an_upload_whose_run_is_not_committed_yet_is_kept_for_an_hour_even_at_retention_zero(
        self, db: Database, tmp_path: Path
    ):
        settings = make_settings(tmp_path / "data", sandbox_upload_retention_hours=0)
        uploads = settings.data_dir / housekeeping.UPLOADS
        uploads.mkdir(parents=True)
        about_to_commit = uploads / f"{uuid.uuid4().hex}.zip"  # what `uploads.keep` leaves before the commit
        about_to_commit.write_bytes(ARCHIVE)
        age(about_to_commit, timedelta(minutes=50))
        assert sweep_uploads(db, settings).orphans == [] and about_to_commit.exists()
        age(about_to_commit, timedelta(minutes=61))
        assert sweep_uploads(db, settings).orphans == [about_to_commit.name] and not about_to_commit.exists()

    def test_a_finished_runs_leftover_file_goes_but_a_queued_runs_file_never(self, db: Database, tmp_path: Path):
        settings = make_settings(tmp_path / "data", sandbox_upload_retention_hours=0)
        done, done_path = archive_run(db, settings)
        end_run(db, done, RunStatus.SUCCEEDED, ago=timedelta(days=2))
        set_run(db, done, archive_path=None)  # a sweeper recorded the deletion, then died before the unlink
        queued, queued_path = archive_run(db, settings)
        set_run(db, queued, archive_path=None)  # whatever the row says, a queued run's file stays
        age(done_path, timedelta(days=2))
        age(queued_path, timedelta(days=2))
        swept = sweep_uploads(db, settings)
        assert swept.orphans == [done_path.name] and not done_path.exists() and queued_path.exists()

    def test_a_link_in_the_uploads_directory_is_removed_never_its_target(self, db: Database, settings: Settings,
                                                                           tmp_path: Path):
        platform_file = tmp_path / "prodready.db"
        platform_file.write_text("platform data")
        uploads = settings.data_dir / housekeeping.UPLOADS
        uploads.mkdir(parents=True)
        link = uploads / f"{uuid.uuid4().hex}.zip"
        link.symlink_to(platform_file)
        age(link, timedelta(days=2))
        (uploads / "a-directory").mkdir()
        assert sweep_uploads(db, settings).orphans == [link.name]
        assert not os.path.lexists(link) and platform_file.read_text() == "platform data"
        assert (uploads / "a-directory").is_dir()

    def test_no_uploads_directory_is_no_error(self, db: Database, settings: Settings):
        assert sweep_uploads(db, settings) == housekeeping.UploadSweep()




@pytest.mark.usefixtures("no_leftover_runs")
class TestSweepersAtOnce:
    def test_several_sweepers_racing_delete_each_archive_once_and_none_fails(self, jobs_db: Database,
                                                                            tmp_path: Path):
        settings = make_settings(tmp_path / "data", sandbox_upload_retention_hours=1)
        user_id = make_user(jobs_db).id
        runs = [archive_run(jobs_db, settings, user_id=user_id) for _ in range(12)]
        for run_id, _ in runs:
            end_run(jobs_db, run_id, RunStatus.SUCCEEDED, ago=timedelta(hours=2))
        keep_id, keep_path = archive_run(jobs_db, settings, user_id=user_id)  # still queued
        barrier, results, errors = threading.Barrier(4), [], []

        def sweep() -> None:
            barrier.wait()
            try:
                results.append(sweep_uploads(jobs_db, settings))
            except Exception as exc:  # noqa: BLE001 - the assertion below reports it
                errors.append(exc)

        threads = [threading.Thread(target=sweep) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        expired = [run_id for result in results for run_id in result.expired]
        assert sorted(expired) == sorted(run_id for run_id, _ in runs), "each archive deleted by exactly one"
        assert not any(path.exists() for _, path in runs)
        assert all(load_run(jobs_db, run_id).archive_path is None for run_id, _ in runs)
        assert keep_path.exists() and load_run(jobs_db, keep_id).archive_path


@pytest.mark.usefixtures("no_leftover_runs")
class TestInTheWorkerLoop:
    def test_a_running_runs_archive_is_kept_and_goes_once_the_run_ended(self, jobs_db: Database, tmp_path: Path):
        """The in-process workers' periodic loop sweeps with retention 0 while the run executes."""
        settings = jobs_settings(tmp_path / "data", sandbox_upload_retention_hours=0, sandbox_workers=1,
                                 sandbox_work_root=tmp_path / "runs")
        run_id, path = archive_run(jobs_db, settings)
        started, release, seen = threading.Event(), threading.Event(), []

        def execute(spec: RunSpec, _settings: Settings, cancelled: threading.Event) -> Execution:
            if spec.id != run_id:
                return Execution(RunStatus.COULD_NOT_RUN, error="not this test's run")
            started.set()
            release.wait(30)
            seen.append(spec.archive.read_bytes())  # the worker reads its archive late in the run
            return Execution(RunStatus.SUCCEEDED, verdict="pass", score=100.0)

        dispatcher = InProcessDispatcher(jobs_db, settings, executor=execute)
        asyncio.run(dispatcher.start())
        try:
            assert started.wait(30), "the loop's first pass dispatches the queued run"
            time.sleep(settings.sandbox_reap_seconds * 4)  # several sweeps while it runs
            assert path.read_bytes() == ARCHIVE and load_run(jobs_db, run_id).status == RunStatus.RUNNING
            release.set()
            deadline = time.monotonic() + 30
            while (path.exists() or load_run(jobs_db, run_id).archive_path) and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            release.set()
            asyncio.run(dispatcher.stop())
        assert seen == [ARCHIVE]
        run = load_run(jobs_db, run_id)
        assert (run.status, run.archive_path) == (RunStatus.SUCCEEDED, None) and not path.exists()

    def test_retrying_a_finished_run_whose_archive_was_deleted_says_so_plainly(self, jobs_db: Database,
                                                                            tmp_path: Path):
        settings = jobs_settings(tmp_path / "data", sandbox_upload_retention_hours=0,
                                 sandbox_work_root=tmp_path / "runs")
        run_id, path = archive_run(jobs_db, settings)
        end_run(jobs_db, run_id, RunStatus.FAILED, ago=timedelta(minutes=5))
        assert sweep_uploads(jobs_db, settings).expired == [run_id] and not path.exists()
        set_run(jobs_db, run_id, status=RunStatus.QUEUED, finished_at=None)  # an operator re-queues it by hand
        assert process_run(jobs_db, settings, run_id, worker_id="w") == RunStatus.COULD_NOT_RUN
        run = load_run(jobs_db, run_id)
        assert (run.status, run.error) == (RunStatus.COULD_NOT_RUN, ARCHIVE_DELETED)

    def test_a_queued_runs_archive_missing_for_another_reason_is_reported_not_a_crash(self, jobs_db: Database,
                                                                                    tmp_path: Path):
        settings = jobs_settings(tmp_path / "data", sandbox_work_root=tmp_path / "runs")
        run_id, path = archive_run(jobs_db, settings)
        path.unlink()
        assert process_run(jobs_db, settings, run_id, worker_id="w") == RunStatus.COULD_NOT_RUN
        assert load_run(jobs_db, run_id).error == "the uploaded archive is no longer stored"


class _Recording:
    """Stands in for the run workers: a worker on another connection would contend with the test's transaction."""

    async def dispatch(self, run_id: str, attempt: int = 0) -> None:
        pass


class TestSurfaces:
    @pytest.fixture(autouse=True)
    def _no_workers(self, live) -> Iterator[None]:
        original, live.app.state.sandbox_dispatcher = live.app.state.sandbox_dispatcher, _Recording()
        yield
        live.app.state.sandbox_dispatcher = original

    def test_the_api_and_the_run_page_say_the_archive_was_deleted_and_a_replay_still_works(
        self, live, db: Database, session_settings: Settings
    ):
        user = make_user(db)
        with live.client() as client:
            headers = {**sign_in(client, user.email, DEFAULT_PASSWORD).headers, "Idempotency-Key": "retention-1"}
            form = {"data": {"task": "churn-deploy"}, "files": {"file": ("p.zip", service_archive())}}
            created = client.post("/api/v1/sandbox/runs/archive", headers=headers, **form)
            assert created.status_code == 201, created.text
            run_id = created.json()["id"]
            assert created.json()["archive_stored"] is True
            path = session_settings.data_dir / housekeeping.UPLOADS / f"{run_id}.zip"
            assert path.exists()

            end_run(db, run_id, RunStatus.SUCCEEDED, ago=timedelta(days=2))
            assert run_id in sweep_uploads(db, session_settings).expired and not path.exists()

            body = client.get(f"/api/v1/sandbox/runs/{run_id}", headers=headers).json()
            assert (body["status"], body["archive_stored"], body["archive_sha256"]) == (
                "succeeded", False, created.json()["archive_sha256"])
            listed = client.get("/api/v1/sandbox/runs", headers=headers).json()
            assert [run["archive_stored"] for run in listed if run["id"] == run_id] == [False]
            # the same request again (a client retrying) gets the finished run back, and stores nothing
            again = client.post("/api/v1/sandbox/runs/archive", headers=headers, **form)
            assert again.status_code == 200 and again.json()["id"] == run_id
            assert again.json()["archive_stored"] is False and not path.exists()

        with live.client() as browser:
            page_sign_in(browser, user.email)
            page = browser.get(f"/sandbox/runs/{run_id}")
            assert page.status_code == 200
            assert 'id="archive-deleted"' in page.text and "upload it again" in page.text

    def test_an_archive_deleted_by_hand_is_reported_gone_though_the_run_still_names_it(
        self, live, db: Database, session_settings: Settings
    ):
        """Not housekeeping's deletion (which clears `archive_path`): the file goes, the row is untouched."""
        user = make_user(db)
        with live.client() as client, live.client() as browser:
            headers = {**sign_in(client, user.email, DEFAULT_PASSWORD).headers, "Idempotency-Key": "by-hand-1"}
            form = {"data": {"task": "churn-deploy"}, "files": {"file": ("p.zip", service_archive())}}
            created = client.post("/api/v1/sandbox/runs/archive", headers=headers, **form)
            assert created.status_code == 201 and created.json()["archive_stored"] is True, created.text
            run_id = created.json()["id"]
            page_sign_in(browser, user.email)
            assert 'id="archive-deleted"' not in browser.get(f"/sandbox/runs/{run_id}").text

            path = session_settings.data_dir / housekeeping.UPLOADS / f"{run_id}.zip"
            path.unlink()
            end_run(db, run_id, RunStatus.SUCCEEDED, ago=timedelta(minutes=5))

            body = client.get(f"/api/v1/sandbox/runs/{run_id}", headers=headers).json()
            assert (body["status"], body["archive_stored"]) == ("succeeded", False)
            listed = client.get("/api/v1/sandbox/runs", headers=headers).json()
            assert [run["archive_stored"] for run in listed if run["id"] == run_id] == [False]
            again = client.post("/api/v1/sandbox/runs/archive", headers=headers, **form)
            assert (again.status_code, again.json()["id"], again.json()["archive_stored"]) == (200, run_id, False)
            assert not path.exists(), "a replay stores nothing, so it does not bring the archive back"
            page = browser.get(f"/sandbox/runs/{run_id}")
            assert page.status_code == 200
            assert 'id="archive-deleted"' in page.text and "upload it again" in page.text
        assert load_run(db, run_id).archive_path is not None, "reading reports the file and writes nothing"

    def test_cancelling_a_queued_run_whose_archive_was_deleted_by_hand_says_it_is_gone(
        self, live, db: Database, session_settings: Settings
    ):
        user = make_user(db)
        with live.client() as client:
            headers = sign_in(client, user.email, DEFAULT_PASSWORD).headers
            created = client.post("/api/v1/sandbox/runs/archive", headers=headers,
                                  data={"task": "churn-deploy"}, files={"file": ("p.tar.gz", b"\x1f\x8b not read")})
            assert created.status_code == 201, created.text
            run_id = created.json()["id"]
            (session_settings.data_dir / housekeeping.UPLOADS / f"{run_id}.tar.gz").unlink()
            cancelled = client.post(f"/api/v1/sandbox/runs/{run_id}/cancel", headers=headers)
            assert cancelled.status_code == 200, cancelled.text
            assert (cancelled.json()["status"], cancelled.json()["archive_stored"]) == ("cancelled", False)

    def test_url_runs_have_no_archive_to_keep(self, live, db: Database):
        user = make_user(db)
        with live.client() as client:
            headers = sign_in(client, user.email, DEFAULT_PASSWORD).headers
            created = client.post("/api/v1/sandbox/runs", headers=headers,
                                  json={"task": "churn-deploy", "url": "https://churn.example.com"})
            assert created.status_code == 201 and created.json()["archive_stored"] is None


def test_the_retention_setting_has_a_day_as_default_and_refuses_negative_values(tmp_path: Path):
    assert make_settings(tmp_path).sandbox_upload_retention_hours == 24
    with pytest.raises(ValueError):
        make_settings(tmp_path, sandbox_upload_retention_hours=-1)
    assert set(ENDED) == FINISHED, "every way a run can end is covered above"
