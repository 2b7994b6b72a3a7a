"""Creating runs when the same idempotency key arrives twice at once, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest

from prodready.accounts.models import User
from prodready.db import Database
from prodready.errors import Conflict
from sandbox.jobs import service
from sandbox.models import RunMode
from tests.factories import make_user
from tests.sandbox.conftest_jobs import jobs_db_fixture  # noqa: F401

REQUEST = service.NewRun(task_id="churn-deploy", mode=RunMode.URL, target_url="https://churn.example.com")


def _create(database: Database, user_id: str, request: service.NewRun, key: str) -> service.Created:
    with database.unit_of_work() as session:
        return service.create_run(session, session.get(User, user_id), request, idempotency_key=key)


def test_the_same_key_at_once_makes_one_run(jobs_db: Database):
    user = make_user(jobs_db)
    barrier, results, errors = threading.Barrier(4), [], []

    def create() -> None:
        barrier.wait()
        try:
            results.append(_create(jobs_db, user.id, REQUEST, "at-once"))
        except Exception as exc:  # collected: a thread's exception would otherwise vanish
            errors.append(exc)

    threads = [threading.Thread(target=create) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({created.run.id for created in results}) == 1
    assert sorted(created.new for created in results) == [False, False, False, True]


def test_a_reused_key_with_another_request_is_a_conflict(jobs_db: Database):
    user = make_user(jobs_db)
    _create(jobs_db, user.id, REQUEST, "reused")
    other = service.NewRun(task_id="churn-deploy", mode=RunMode.URL, target_url="https://other.example.com")
    with pytest.raises(Conflict):
        _create(jobs_db, user.id, other, "reused")
