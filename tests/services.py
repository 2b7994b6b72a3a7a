"""Where the tests find PostgreSQL and Redis, and what happens when they are absent.

Outside CI a missing service skips the tests that need it, with the reason.
In CI (the CI variable set) a missing service fails them: CI must prove the
scale path, not quietly skip it.
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

import pytest

POSTGRES_URL = os.environ.get("PRODREADY_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("PRODREADY_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def in_ci() -> bool:
    return bool(os.environ.get("CI"))


def service_missing(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)")
    pytest.skip(reason)


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url.replace("+psycopg", ""))
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def require_postgres() -> str:
    if not reachable(POSTGRES_URL, 5432):
        service_missing(f"PostgreSQL is not reachable at {POSTGRES_URL}")
    return POSTGRES_URL


def require_redis() -> str:
    if not reachable(REDIS_URL, 6379):
        service_missing(f"Redis is not reachable at {REDIS_URL}")
    return REDIS_URL
