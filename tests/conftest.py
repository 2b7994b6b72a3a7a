"""Shared fixtures: a migrated database per backend, rolled back per test, and a live server.

Every test that uses `db` or `live` runs twice: on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from prodready import migrate
from prodready.accounts import passwords
from prodready.app import create_app
from prodready.db import Database
from prodready.ratelimit import RateLimiter
from prodready.settings import Settings
from question_bank.loader import Bank, load_bank
from question_bank.sync import sync_bank
from tests.live_server import LiveServer, Tls, start_live_server
from tests.services import require_postgres

BACKENDS = ("sqlite", "postgres")


@functools.cache
def bundled_bank() -> Bank:
    return load_bank()
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "data_dir": data_dir, "secret_key": TEST_SECRET, "log_level": "WARNING", "environment": "local",
        # cheap hashing keeps the suite fast; production refuses these values
        "password_time_cost": 1, "password_memory_kib": 1024,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    return require_postgres()


def _fresh_postgres_database(admin_url: str) -> tuple[str, str]:
    """A new, empty database for this test session, so parallel runs never collide."""
    name = f"prodready_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _drop_postgres_database(admin_url: str, name: str) -> None:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def database_url_factory(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """Makes empty databases of either backend; cleans up at the end of the session."""
    created: list[str] = []
    admin_url: list[str] = []

    def make(backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'prodready.db'}"
        admin_url[:] = [require_postgres()]
        name, url = _fresh_postgres_database(admin_url[0])
        created.append(name)
        return url

    yield make
    for name in created:
        _drop_postgres_database(admin_url[0], name)


@pytest.fixture(scope="session", params=BACKENDS)
def migrated_database(request: pytest.FixtureRequest, database_url_factory) -> Iterator[Database]:
    database = Database.from_url(database_url_factory(request.param))
    migrate.upgrade_to_head(database.engine)
    with database.unit_of_work() as session:
        sync_bank(session, bundled_bank())
    yield database
    database.dispose()


@pytest.fixture
def backend(migrated_database: Database) -> str:
    return migrated_database.dialect


@pytest.fixture
def db(migrated_database: Database) -> Iterator[Database]:
    """The migrated database inside a transaction that is rolled back after the test."""
    connection = migrated_database.engine.connect()
    outer = connection.begin()
    yield Database(migrated_database.engine, connection=connection)
    outer.rollback()
    connection.close()


@pytest.fixture(scope="session", autouse=True)
def session_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = make_settings(tmp_path_factory.mktemp("data"))
    passwords.configure(time_cost=settings.password_time_cost, memory_kib=settings.password_memory_kib)
    return settings


@pytest.fixture(scope="session")
def _live_servers(migrated_database: Database, session_settings: Settings) -> Iterator[LiveServer]:
    app = create_app(session_settings, database=migrated_database, configure_logs=False)
    server = start_live_server(app)
    yield server
    server.stop()


@pytest.fixture
def live(_live_servers: LiveServer, db: Database) -> Iterator[LiveServer]:
    """A real HTTP server on loopback whose requests run inside this test's transaction."""
    app = _live_servers.app
    original = app.state.database
    app.state.database = db
    app.state.limiter = RateLimiter()
    yield _live_servers
    app.state.database = original


@pytest.fixture(scope="session")
def _live_tls_server(_live_servers: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The same app behind a second server that speaks TLS, with a certificate from a throwaway authority."""
    authority = trustme.CA()
    directory = tmp_path_factory.mktemp("tls")
    tls = Tls(certificate=directory / "server.pem", authority=directory / "authority.pem")
    authority.issue_cert("127.0.0.1").private_key_and_cert_chain_pem.write_to_path(str(tls.certificate))
    authority.cert_pem.write_to_path(str(tls.authority))
    server = start_live_server(_live_servers.app, tls=tls)
    yield server
    server.stop()


@pytest.fixture
def live_https(_live_tls_server: LiveServer, live: LiveServer) -> LiveServer:
    """`live` over https: the app, and what `live` set up for this test, are shared."""
    return _live_tls_server


@pytest.fixture
def client(live: LiveServer) -> Iterator:
    with live.client() as http:
        yield http
