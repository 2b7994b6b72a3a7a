"""The optional second rater: an LLM behind any OpenAI-compatible chat-completions endpoint.

`LLMRater(config).rate(question_prompt, rubric, answer, auto_score)` never raises. On any failure
(off, circuit open, timeout, HTTP error, a reply that is not valid JSON or fails the schema) the
result is `unavailable` with the reason, and the deterministic score stands. When the LLM and the
deterministic scorer differ by more than the configured margin the answer goes to human review.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import httpx
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt

from rubrics.llm_breaker import CircuitBreaker
from rubrics.llm_config import LLMRaterConfig, SecondRating
from rubrics.llm_http import RaterFailure, TransientFailure, backoff, check_response, transport_failure
from rubrics.llm_prompt import BadReply, Verdict, build_messages, parse_reply, response_format
from rubrics.schema import Rubric

__all__ = ["LLMRater", "LLMRaterConfig", "SecondRating", "RaterCore"]


class RaterCore:
    """What the sync and async raters share: request building, breaker, verdicts."""

    def __init__(self, config: LLMRaterConfig, clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self.breaker = CircuitBreaker(config.breaker_failure_threshold, config.breaker_cooldown_seconds, clock)

    def request_body(self, question_prompt: str, rubric: Rubric, answer: str) -> dict[str, Any]:
        # Exactly these fields: no "user", no metadata, nothing that identifies the candidate.
        return {
            "model": self.config.model,
            "messages": build_messages(question_prompt, rubric, answer),
            "temperature": 0,
            "response_format": response_format(rubric),
        }

    def headers(self) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self.config.api_key is not None:
            headers["Authorization"] = f"Bearer {self.config.api_key.get_secret_value()}"
        return headers

    def gate(self, auto_score: float) -> SecondRating | None:
        """The early answer when no call should go out, else None (and a breaker slot is taken)."""
        model = self.config.model
        if not self.config.enabled:
            return SecondRating.unavailable("disabled", "the second rater is off", auto_score, model)
        if not self.breaker.allow():
            reason = (
                f"the second rater failed {self.breaker.consecutive_failures} times in a row; "
                f"next try in {math.ceil(self.breaker.retry_in())} s"
            )
            return SecondRating.unavailable("circuit_open", reason, auto_score, model)
        return None

    def failed(self, exc: Exception, auto_score: float) -> SecondRating:
        self.breaker.record_failure()
        model = self.config.model
        if isinstance(exc, RaterFailure):
            return SecondRating.unavailable(exc.code, exc.reason, auto_score, model)
        if isinstance(exc, BadReply):
            return SecondRating.unavailable("bad_reply", str(exc), auto_score, model)
        return SecondRating.unavailable("internal_error", f"unexpected {type(exc).__name__}", auto_score, model)

    def verdict(self, payload: Any, rubric: Rubric, auto_score: float) -> SecondRating:
        parsed: Verdict = parse_reply(payload, rubric)
        self.breaker.record_success()
        difference = parsed.score - auto_score
        disagreed = abs(difference) > self.config.disagreement_margin
        replied_model = payload.get("model") if isinstance(payload, dict) else None
        return SecondRating(
            status="disagreed" if disagreed else "agreed",
            score=parsed.score,
            band=parsed.band,
            criteria=[{"criterion_id": c.id, "band": c.band} for c in parsed.criteria],
            rationale=parsed.rationale,
            auto_score=auto_score,
            difference=round(difference, 2),
            needs_human_review=disagreed,
            model=replied_model if isinstance(replied_model, str) and replied_model else self.config.model,
        )


def clamp_score(auto_score: float) -> float:
    value = float(auto_score)
    return min(100.0, max(0.0, value)) if math.isfinite(value) else 0.0


class LLMRater(RaterCore):
    """Synchronous second rater; one instance (and its breaker) is shared by all callers."""

    def __init__(
        self,
        config: LLMRaterConfig,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(config, clock)
        self._sleep = sleep
        self._client = httpx.Client(timeout=config.timeout_seconds, transport=transport)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> LLMRater:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def rate(self, question_prompt: str, rubric: Rubric, answer: str, auto_score: float) -> SecondRating:
        auto = clamp_score(auto_score)
        early = self.gate(auto)
        if early is not None:
            return early
        try:
            payload = self._post_with_retries(self.request_body(question_prompt, rubric, answer))
            return self.verdict(payload, rubric, auto)
        except Exception as exc:  # the caller keeps the deterministic score whatever happened
            return self.failed(exc, auto)

    def _post_with_retries(self, body: dict[str, Any]) -> Any:
        retrying = Retrying(
            stop=stop_after_attempt(self.config.max_retries + 1),
            wait=backoff(self.config),
            retry=retry_if_exception_type(TransientFailure),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            return retrying(self._post_once, body)
        except TransientFailure as exc:
            raise exc.after_attempts(retrying.statistics.get("attempt_number", 1)) from exc

    def _post_once(self, body: dict[str, Any]) -> Any:
        try:
            response = self._client.post(self.config.endpoint, json=body, headers=self.headers())
        except httpx.HTTPError as exc:
            raise transport_failure(exc, self.config) from exc
        return check_response(response)
