"""RFC 9457 problem documents: the one error shape of the HTTP API."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse

from prodready.errors import ProdreadyError

PROBLEM_MEDIA_TYPE = "application/problem+json"


def problem_type_uri(slug: str) -> str:
    # Relative URI, resolved against the service; /problems/{slug} describes each type.
    return f"/problems/{slug}"


def problem_body(
    *, slug: str, title: str, status: int, detail: str, instance: str | None = None, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {"type": problem_type_uri(slug), "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    return body


def problem_response(
    *, slug: str, title: str, status: int, detail: str, instance: str | None = None,
    headers: dict[str, str] | None = None, **extra: Any,
) -> JSONResponse:
    return JSONResponse(
        problem_body(slug=slug, title=title, status=status, detail=detail, instance=instance, **extra),
        status_code=status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def error_response(error: ProdreadyError, *, instance: str | None = None) -> JSONResponse:
    headers = {}
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    if error.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="prodready"'
    return problem_response(
        slug=error.type_slug, title=error.title, status=error.status, detail=error.detail,
        instance=instance, headers=headers or None, **error.extra,
    )
