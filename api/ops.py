"""Liveness, readiness, metrics and the problem type pages: what operators and probes read."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.problems import HTTP_PROBLEMS
from prodready.errors import PROBLEM_TYPES, NotFound

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is alive and serving. Says nothing about its dependencies."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """Ready for traffic: every readiness check passes (database, schema, content...)."""
    checks = {}
    for name, check in request.app.state.readiness.items():
        try:
            ok, detail = check()
        except Exception as exc:  # a failing check is a "not ready", never a crash
            ok, detail = False, f"{type(exc).__name__}: {exc}"
        checks[name] = {"ok": ok, "detail": detail}
    ready = all(c["ok"] for c in checks.values())
    body = {"status": "ready" if ready else "not ready", "checks": checks}
    return JSONResponse(body, status_code=200 if ready else 503)


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(request: Request) -> PlainTextResponse:
    return PlainTextResponse(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)


@router.get("/problems/{slug}", include_in_schema=False)
def problem_type(slug: str) -> dict[str, object]:
    """What a problem `type` means, so the URI in every error document resolves."""
    error = PROBLEM_TYPES.get(slug)
    if error is not None:
        return {"type": f"/problems/{slug}", "title": error.title, "status": error.status}
    for status, (known, title) in HTTP_PROBLEMS.items():
        if known == slug:
            return {"type": f"/problems/{slug}", "title": title, "status": status}
    raise NotFound("No such problem type.")
