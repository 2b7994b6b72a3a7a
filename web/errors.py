"""Errors on the pages: the same ProdreadyError family the API renders as problem+json,
rendered here as an HTML page (or, for a page that needs sign-in, a redirect to sign in)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response

from prodready.errors import NotAuthenticated, ProdreadyError
from prodready.observability import get_logger
from web import htmx
from web.templating import render

log = get_logger("prodready.web")

STATUS_TITLES = {
    400: "Bad request", 401: "Sign-in required", 403: "Not allowed", 404: "Page not found",
    405: "Method not allowed", 409: "Conflict", 413: "Too large", 422: "Something in the form is not valid",
    429: "Too many requests", 500: "Something went wrong", 503: "Service unavailable",
}


def sign_in_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/signin?next=" + quote(target, safe="/")


def error_page(
    request: Request, status: int, detail: str, *, title: str | None = None, headers: dict[str, str] | None = None
) -> Response:
    title = title or STATUS_TITLES.get(status, "Error")
    context = {
        "error_title": title, "detail": detail, "status": status,
        "request_id": getattr(request.state, "request_id", None),
    }
    return render(request, "error.html", context, status_code=status, headers=headers)


async def prodready_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ProdreadyError)
    if isinstance(exc, NotAuthenticated) and request.method in ("GET", "HEAD"):
        return htmx.redirect(request, sign_in_url(request)) if htmx.is_htmx(request) else Response(
            status_code=303, headers={"Location": sign_in_url(request)}
        )
    retry_after = getattr(exc, "retry_after", None)
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return error_page(request, exc.status, exc.detail, title=exc.title, headers=headers)


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    field = str(first.get("loc", ("", "value"))[-1])
    return error_page(request, 422, f"{field}: {first.get('msg', 'not valid')}")


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else ""
    if exc.status_code == 404:
        detail = "There is no page at this address."
    return error_page(request, exc.status_code, detail or STATUS_TITLES.get(exc.status_code, "Error"),
                      headers=getattr(exc, "headers", None))


async def unexpected_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled error", path=request.url.path, exc_info=exc)
    request_id = getattr(request.state, "request_id", None)
    return error_page(
        request, 500, "Something went wrong on our side. Quote the request id if you report it.",
        headers={"x-request-id": request_id} if request_id else None,
    )
