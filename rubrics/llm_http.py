"""HTTP outcomes of a call to the second rater: which failures are worth retrying, and how long to wait."""

from __future__ import annotations

from typing import Any

import httpx
from tenacity import RetryCallState, wait_exponential, wait_random

from rubrics.llm_config import LLMRaterConfig, UnavailableCode


class RaterFailure(Exception):
    """A call that did not produce a reply worth parsing; not retried."""

    def __init__(self, code: UnavailableCode, reason: str) -> None:
        super().__init__(reason)
        self.code: UnavailableCode = code
        self.reason = reason

    def after_attempts(self, attempts: int) -> RaterFailure:
        if attempts <= 1:
            return self
        return type(self)(self.code, f"{self.reason} (gave up after {attempts} attempts)")


class TransientFailure(RaterFailure):
    """Timeouts, connection errors, 429 and 5xx: worth another attempt after a pause."""

    def __init__(self, code: UnavailableCode, reason: str, retry_after: float | None = None) -> None:
        super().__init__(code, reason)
        self.retry_after = retry_after


def transport_failure(exc: httpx.HTTPError, config: LLMRaterConfig) -> TransientFailure:
    if isinstance(exc, httpx.TimeoutException):
        return TransientFailure("timeout", f"no reply within {config.timeout_seconds:g} s")
    return TransientFailure("transport_error", f"could not reach the endpoint ({type(exc).__name__})")


def _retry_after(response: httpx.Response) -> float | None:
    # Only the delta-seconds form; an HTTP date falls back to the normal backoff.
    value = response.headers.get("retry-after", "").strip()
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def _error_label(response: httpx.Response) -> str:
    # The provider's error code or type only: messages can echo request details.
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return ""
    if isinstance(error, dict):
        for key in ("code", "type"):
            label = error.get(key)
            if isinstance(label, str) and 0 < len(label) <= 60:
                return f": {label}"
    return ""


def check_response(response: httpx.Response) -> Any:
    """The decoded body of a successful response, or the failure it represents."""
    status = response.status_code
    if status == 429 or status >= 500:
        reason = f"HTTP {status} from the endpoint{_error_label(response)}"
        raise TransientFailure("http_error", reason, _retry_after(response))
    if status != 200:
        raise RaterFailure("http_error", f"HTTP {status} from the endpoint{_error_label(response)}")
    try:
        return response.json()
    except ValueError as exc:
        raise RaterFailure("bad_reply", "the response body is not JSON") from exc


def backoff(config: LLMRaterConfig):
    """Exponential backoff with jitter, capped; a server's Retry-After wins when it is within the cap."""
    exponential = wait_exponential(multiplier=config.backoff_initial_seconds, max=config.backoff_max_seconds)
    jitter = wait_random(0, config.backoff_initial_seconds)

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome is not None else None
        if isinstance(exc, TransientFailure) and exc.retry_after is not None:
            return min(exc.retry_after, config.backoff_max_seconds)
        return min(exponential(state) + jitter(state), config.backoff_max_seconds)

    return wait
