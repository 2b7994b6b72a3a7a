"""The composition root: builds the service from its settings."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy import text
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

import prodready
from api import credentials as credential_routes  # issuer keys, status lists, widget
from api import embed, ops, problems
from api.router import API_PREFIX, build_api_router
from credentials.delivery import DeliveryPolicy, DeliveryWorker
from practice.scoring import ScoringService, second_rater_from
from prodready import migrate
from prodready.accounts import passwords
from prodready.db import Database
from prodready.errors import ProdreadyError
from prodready.http_limits import BodySizeLimitMiddleware
from prodready.observability import Metrics, RequestContextMiddleware, configure_logging
from prodready.ratelimit import RateLimiter
from prodready.settings import Settings
from question_bank.catalog import CatalogCache, latest_sync, live_question_count
from sandbox.jobs import build_dispatcher, count_run_status
from web import errors as page_errors  # the pages: HTML error pages, static files, page routers
from web.router import build_page_router
from web.static_files import STATIC_DIR, STATIC_PREFIX

ReadinessCheck = Callable[[], tuple[bool, str]]
ErrorHandler = Callable[[Request, Exception], Awaitable[Response]]
UPLOAD_PATH_MARKERS = ("/uploads", "/archive")


def _readiness(database: Database) -> dict[str, ReadinessCheck]:
    def database_reachable() -> tuple[bool, str]:
        with database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True, f"{database.dialect} reachable"

    def schema_at_head() -> tuple[bool, str]:
        current, head = migrate.current_revision(database.engine), migrate.head_revision()
        return current == head, f"schema at {current or 'nothing'}, code expects {head}"

    def content_loaded() -> tuple[bool, str]:
        with database.unit_of_work(write=False) as session:
            sync = latest_sync(session)
            count = live_question_count(session)
        if sync is None:
            return False, "the question bank has not been synced yet"
        return count > 0, f"{count} questions, content version {sync.content_version[:12]}"

    return {"database": database_reachable, "schema": schema_at_head, "content": content_loaded}


JSON_PATHS = ("/healthz", "/readyz", "/metrics", "/problems/", "/docs", "/.well-known/", "/credentials/",
              "/oembed", "/embed/")


def _by_surface(api_handler: ErrorHandler, page_handler: ErrorHandler) -> ErrorHandler:
    async def handler(request: Request, exc: Exception) -> Response:
        path = request.url.path
        is_api = path == API_PREFIX or path.startswith((API_PREFIX + "/", *JSON_PATHS))
        return await (api_handler if is_api else page_handler)(request, exc)

    return handler


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
        await app.state.sandbox_dispatcher.start()  # sandbox run workers (threads, or the Redis queue)
        app.state.webhook_worker.start()  # sends due webhooks (credentials/delivery.py)
        yield
        await app.state.sandbox_dispatcher.stop()
        app.state.webhook_worker.stop()
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
    app.state.catalog = CatalogCache()
    app.state.scoring = ScoringService(second_rater_from(settings))
    app.state.extensions: dict[str, Any] = {}
    app.state.webhook_worker = DeliveryWorker(database, DeliveryPolicy(
        max_attempts=settings.webhook_max_attempts, backoff_seconds=settings.webhook_backoff_seconds,
        timeout_seconds=settings.webhook_timeout_seconds, allow_loopback=settings.webhook_allow_private,
        environment=settings.environment.value, signing_key=settings.signing_key()),
        poll_seconds=settings.webhook_poll_seconds)
    app.state.sandbox_dispatcher = build_dispatcher(
        database, settings, on_status=lambda status: count_run_status(app.state.metrics, status)
    )

    # Errors render by URL: problem+json under /api/ and the operational paths, an HTML page elsewhere.
    app.add_exception_handler(ProdreadyError, _by_surface(problems.prodready_error, page_errors.prodready_error))
    app.add_exception_handler(
        RequestValidationError, _by_surface(problems.validation_error, page_errors.validation_error)
    )
    app.add_exception_handler(StarletteHTTPException, _by_surface(problems.http_error, page_errors.http_error))
    app.add_exception_handler(Exception, _by_surface(problems.unexpected_error, page_errors.unexpected_error))

    app.include_router(ops.router)
    app.include_router(build_api_router())
    app.include_router(credential_routes.wellknown_router)
    app.include_router(embed.router)
    app.include_router(build_page_router())
    app.mount(STATIC_PREFIX, StaticFiles(directory=STATIC_DIR), name="static")

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
