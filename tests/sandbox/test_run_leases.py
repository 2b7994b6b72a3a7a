"""The database row is the truth: claims, heartbeats, results and the reaper, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from sqlalchemy import update

from prodready.db import Database, utcnow
from sandbox.jobs import leases
from sandbox.models import RunStatus, SandboxRun
from tests.sandbox.conftest_jobs import jobs_db_fixture, load_run, queue_url_run  # noqa: F401

LEASE = {"lease_seconds": 30.0, "max_attempts": 2}


def _expire(database: Database, run_id: str) -> None:
    with database.unit_of_work() as session:
        session.execute(update(SandboxRun).where(SandboxRun.id == run_id)
                        .values(lease_expires_at=utcnow() - timedelta(seconds=1)))


def _race(database: Database, run_id: str, *, claimers: int) -> list[str]:
    barrier, wins = threading.Barrier(claimers), []

    def claim(name: str) -> None:
        barrier.wait()
        if leases.claim(database, run_id, name, **LEASE):
            wins.append(name)

    threads = [threading.Thread(target=claim, args=(f"worker-{i}",)) for i in range(claimers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return wins


class TestClaim:
    def test_two_claimers_at_once_one_wins(self, jobs_db: Database):
        for _ in range(5):
            run = queue_url_run(jobs_db)
            wins = _race(jobs_db, run.id, claimers=4)
            assert len(wins) == 1, wins
            claimed = load_run(jobs_db, run.id)
            assert (claimed.status, claimed.worker_id, claimed.attempts) == (RunStatus.RUNNING, wins[0], 1)
            assert claimed.lease_expires_at > utcnow() + timedelta(seconds=20)

    def test_a_live_lease_cannot_be_taken_but_an_expired_one_can(self, jobs_db: Database):
        run = queue_url_run(jobs_db)
        assert leases.claim(jobs_db, run.id, "first", **LEASE)
        assert not leases.claim(jobs_db, run.id, "second", **LEASE)
        _expire(jobs_db, run.id)
        assert leases.claim(jobs_db, run.id, "second", **LEASE)
        assert (load_run(jobs_db, run.id).worker_id, load_run(jobs_db, run.id).attempts) == ("second", 2)
        _expire(jobs_db, run.id)
        assert not leases.claim(jobs_db, run.id, "third", **LEASE), "no tries left"

    def test_finished_and_cancelled_runs_are_never_claimed(self, jobs_db: Database):
        run = queue_url_run(jobs_db)
        assert leases.cancel(jobs_db, run.id)
        assert not leases.claim(jobs_db, run.id, "w", **LEASE)
        assert load_run(jobs_db, run.id).status == RunStatus.CANCELLED


class TestHeartbeatAndFinish:
    def test_heartbeat_extends_only_the_owners_lease(self, jobs_db: Database):
        run = queue_url_run(jobs_db)
        leases.claim(jobs_db, run.id, "owner", lease_seconds=5, max_attempts=2)
        before = load_run(jobs_db, run.id).lease_expires_at
        time.sleep(0.05)
        assert leases.heartbeat(jobs_db, run.id, "owner", lease_seconds=60)
        assert not leases.heartbeat(jobs_db, run.id, "intruder", lease_seconds=60)
        assert load_run(jobs_db, run.id).lease_expires_at > before + timedelta(seconds=50)

    def test_a_cancelled_run_keeps_its_state_when_the_worker_reports(self, jobs_db: Database):
        run = queue_url_run(jobs_db)
        leases.claim(jobs_db, run.id, "owner", **LEASE)
        assert leases.cancel(jobs_db, run.id)
        assert not leases.heartbeat(jobs_db, run.id, "owner", lease_seconds=30)
        assert not leases.finish(jobs_db, run.id, "owner", {"status": RunStatus.SUCCEEDED, "score": 99.0})
        after = load_run(jobs_db, run.id)
        assert (after.status, after.score) == (RunStatus.CANCELLED, None)

    def test_release_hands_the_run_back_without_counting_the_attempt(self, jobs_db: Database):
        run = queue_url_run(jobs_db)
        leases.claim(jobs_db, run.id, "owner", **LEASE)
        assert leases.release(jobs_db, run.id, "owner")
        after = load_run(jobs_db, run.id)
        assert (after.status, after.attempts, after.worker_id) == (RunStatus.QUEUED, 0, None)


class TestReaper:
    def test_an_expired_run_is_retried_then_failed_with_the_reason(self, jobs_db: Database):
        run = queue_url_run(jobs_db)
        leases.claim(jobs_db, run.id, "dies-first", **LEASE)
        _expire(jobs_db, run.id)
        reaped = leases.reap(jobs_db, max_attempts=2)
        assert (run.id, 1) in reaped.requeued and run.id not in reaped.failed
        retried = load_run(jobs_db, run.id)
        assert (retried.status, retried.worker_id, retried.attempts) == (RunStatus.QUEUED, None, 1)

        assert leases.claim(jobs_db, run.id, "dies-again", **LEASE)
        _expire(jobs_db, run.id)
        reaped = leases.reap(jobs_db, max_attempts=2)
        assert run.id in reaped.failed
        failed = load_run(jobs_db, run.id)
        assert failed.status == RunStatus.FAILED and failed.finished_at is not None
        assert failed.error.startswith(leases.WORKER_LOST)

    def test_live_leases_are_left_alone(self, jobs_db: Database):
        run = queue_url_run(jobs_db)
        leases.claim(jobs_db, run.id, "alive", **LEASE)
        reaped = leases.reap(jobs_db, max_attempts=2)
        assert run.id not in [r for r, _ in reaped.requeued] + reaped.failed
        assert load_run(jobs_db, run.id).status == RunStatus.RUNNING

    def test_waiting_lists_queued_runs_older_than_the_grace(self, jobs_db: Database):
        run = queue_url_run(jobs_db)
        assert run.id in [r for r, _ in leases.waiting(jobs_db, older_than_seconds=0)]
        assert run.id not in [r for r, _ in leases.waiting(jobs_db, older_than_seconds=3600)]
