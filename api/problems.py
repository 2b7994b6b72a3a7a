"""Every API error as an RFC 9457 problem document with a stable type."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from prodready.errors import ProdreadyError
from prodready.observability import get_logger
from prodready.problems import error_response, problem_response

log = get_logger("prodready.api")

HTTP_PROBLEMS = {
    400: ("bad-request", "Bad request"),
    401: ("not-authenticated", "Sign-in required"),
    403: ("forbidden", "Not allowed"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    413: ("payload-too-large", "The request body is too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    429: ("rate-limited", "Too many requests"),
}


async def prodready_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProdreadyError)
    return error_response(exc, instance=request.url.path)


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"location": [str(part) for part in err.get("loc", ())], "message": err.get("msg", ""), "type": err.get("type")}
        for err in exc.errors()
    ]
    first = errors[0] if errors else None
    detail = (
        f"{'.'.join(first['location'])}: {first['message']}" if first else "The request does not match the schema."
    )
    return problem_response(
        slug="validation-error", title="The request is not valid", status=422, detail=detail,
        instance=request.url.path, errors=errors,
    )


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    slug, title = HTTP_PROBLEMS.get(exc.status_code, ("http-error", "HTTP error"))
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail != title else title
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"There is nothing at {request.url.path}."
    return problem_response(
        slug=slug, title=title, status=exc.status_code, detail=detail, instance=request.url.path,
        headers=getattr(exc, "headers", None),
    )


async def unexpected_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled error", path=request.url.path, exc_info=exc)
    request_id = getattr(request.state, "request_id", None)
    return problem_response(
        slug="internal-error", title="Internal error", status=500,
        detail="Something went wrong on our side. Quote the request id if you report it.",
        instance=request.url.path, request_id=request_id,
        # This handler runs outside the request-context middleware, so echo the id here.
        headers={"x-request-id": request_id} if request_id else None,
    )
