"""The composition root: builds the service from its settings."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException

import prodready
from api import ops, problems
from api.router import API_PREFIX, build_api_router
from prodready import migrate
from prodready.accounts import passwords
from prodready.db import Database
from prodready.errors import ProdreadyError
from prodready.http_limits import BodySizeLimitMiddleware
from prodready.observability import Metrics, RequestContextMiddleware, configure_logging
from prodready.ratelimit import RateLimiter
from prodready.settings import Settings

ReadinessCheck = Callable[[], tuple[bool, str]]
UPLOAD_PATH_MARKERS = ("/uploads", "/archive")


def _readiness(database: Database) -> dict[str, ReadinessCheck]:
    def database_reachable() -> tuple[bool, str]:
        with database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True, f"{database.dialect} reachable"

    def schema_at_head() -> tuple[bool, str]:
        current, head = migrate.current_revision(database.engine), migrate.head_revision()
        return current == head, f"schema at {current or 'nothing'}, code expects {head}"

    return {"database": database_reachable, "schema": schema_at_head}


def create_app(
    settings: Settings,
    *,
    database: Database | None = None,
    limiter: RateLimiter | None = None,
    configure_logs: bool = True,
) -> FastAPI:
    if configure_logs:
        configure_logging(settings.log_level, json_lines=settings.log_json)
    passwords.configure(time_cost=settings.password_time_cost, memory_kib=settings.password_memory_kib)
    owns_database = database is None
    database = database or Database.from_url(settings.resolved_database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if owns_database:
            app.state.database.dispose()

    app = FastAPI(
        title="prodready",
        version=prodready.__version__,
        description="Interview prep and skill assessment for production ML literacy.",
        lifespan=lifespan,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.limiter = limiter or RateLimiter(settings.redis_url)
    app.state.metrics = Metrics()
    app.state.readiness = _readiness(database)
    app.state.extensions: dict[str, Any] = {}

    app.add_exception_handler(ProdreadyError, problems.prodready_error)
    app.add_exception_handler(RequestValidationError, problems.validation_error)
    app.add_exception_handler(StarletteHTTPException, problems.http_error)
    app.add_exception_handler(Exception, problems.unexpected_error)

    app.include_router(ops.router)
    app.include_router(build_api_router())

    def body_limit(path: str) -> int:
        if any(marker in path for marker in UPLOAD_PATH_MARKERS):
            return settings.max_upload_bytes
        return settings.max_body_bytes

    app.add_middleware(BodySizeLimitMiddleware, limit_for=body_limit)
    app.add_middleware(RequestContextMiddleware, metrics=app.state.metrics)
    return app


def app_from_environment() -> FastAPI:
    """Factory for `uvicorn --factory` (used when serving with several workers)."""
    return create_app(Settings())
