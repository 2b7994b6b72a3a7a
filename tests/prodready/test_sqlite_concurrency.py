"""Concurrent writers on the embedded SQLite default queue instead of failing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlmodel import select

from prodready import migrate
from prodready.accounts.models import Organisation
from prodready.db import Database


def test_concurrent_read_then_write_transactions_do_not_hit_database_is_locked(tmp_path):
    database = Database.from_url(f"sqlite:///{tmp_path / 'busy.db'}")
    migrate.upgrade_to_head(database.engine)

    def read_then_write(i: int) -> None:
        # The classic failure: a deferred transaction reads, then tries to write
        # while another writer holds the lock. Write sessions begin IMMEDIATE.
        with database.unit_of_work(write=True) as session:
            session.exec(select(Organisation)).all()
            session.add(Organisation(slug=f"org-{i:03d}", name=f"Org {i}"))

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(read_then_write, range(120)))

    with database.unit_of_work(write=False) as session:
        assert len(session.exec(select(Organisation)).all()) == 120
    database.dispose()
