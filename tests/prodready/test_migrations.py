"""Alembic is the only way the schema changes; models and migrations agree on both backends."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from prodready import migrate
from prodready.db import Database


def test_migrations_reach_head_and_nothing_is_pending(migrated_database):
    assert migrate.is_at_head(migrated_database.engine)
    # `alembic check` fails if the models hold changes no migration covers.
    command.check(migrate.alembic_config(migrated_database.engine))


def test_downgrade_to_base_and_back(database_url_factory, migrated_database):
    database = Database.from_url(database_url_factory(migrated_database.dialect))
    try:
        config = migrate.alembic_config(database.engine)
        command.upgrade(config, "head")
        command.downgrade(config, "base")
        assert set(inspect(database.engine).get_table_names()) <= {"alembic_version"}
        command.upgrade(config, "head")
        assert {"users", "organisations", "memberships"} <= set(inspect(database.engine).get_table_names())
    finally:
        database.dispose()


def test_revision_files_are_date_prefixed():
    from importlib import resources

    names = [p.name for p in (resources.files("migrations") / "versions").iterdir() if p.name.endswith(".py")]
    revisions = [n for n in names if n != "__init__.py"]
    assert revisions
    assert all(n[:8].isdigit() and n[8] == "_" for n in revisions), revisions


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    database = Database.from_url(f"sqlite:///{tmp_path / 'x.db'}")
    with database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    database.dispose()
