"""One error family. Domain code raises these; each surface renders them once
(the API as RFC 9457 problem documents, the CLI as a message and exit code)."""

from __future__ import annotations

from typing import Any


class ProdreadyError(Exception):
    type_slug = "internal-error"
    title = "Internal error"
    status = 500

    def __init__(self, detail: str | None = None, **extra: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extra = extra


class BadRequest(ProdreadyError):
    type_slug, title, status = "bad-request", "Bad request", 400


class InvalidInput(ProdreadyError):
    type_slug, title, status = "validation-error", "The request is not valid", 422


class NotAuthenticated(ProdreadyError):
    type_slug, title, status = "not-authenticated", "Sign-in required", 401


class Forbidden(ProdreadyError):
    type_slug, title, status = "forbidden", "Not allowed", 403


class CsrfFailed(ProdreadyError):
    type_slug, title, status = "csrf-failed", "The form or request is missing a valid CSRF token", 403


class NotFound(ProdreadyError):
    type_slug, title, status = "not-found", "Not found", 404


class Conflict(ProdreadyError):
    type_slug, title, status = "conflict", "Conflict", 409


class PayloadTooLarge(ProdreadyError):
    type_slug, title, status = "payload-too-large", "The request body is too large", 413


class RateLimited(ProdreadyError):
    type_slug, title, status = "rate-limited", "Too many requests", 429

    def __init__(self, detail: str | None = None, retry_after: int = 60, **extra: Any) -> None:
        super().__init__(detail, **extra)
        self.retry_after = retry_after


class ServiceUnavailable(ProdreadyError):
    type_slug, title, status = "service-unavailable", "Service unavailable", 503


# Every problem type the service can return, for the /problems/{slug} pages and docs.
PROBLEM_TYPES: dict[str, type[ProdreadyError]] = {
    cls.type_slug: cls
    for cls in (
        ProdreadyError, BadRequest, InvalidInput, NotAuthenticated, Forbidden, CsrfFailed,
        NotFound, Conflict, PayloadTooLarge, RateLimited, ServiceUnavailable,
    )
}
