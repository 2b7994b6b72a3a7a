"""The second rater for async callers: same request, checks, breaker and verdicts as `LLMRater`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt

from rubrics.llm_config import LLMRaterConfig, SecondRating
from rubrics.llm_http import TransientFailure, backoff, check_response, transport_failure
from rubrics.llm_rater import RaterCore, clamp_score
from rubrics.schema import Rubric


class AsyncLLMRater(RaterCore):
    def __init__(
        self,
        config: LLMRaterConfig,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(config, clock)
        self._sleep = sleep
        self._client = httpx.AsyncClient(timeout=config.timeout_seconds, transport=transport)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> AsyncLLMRater:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def rate(self, question_prompt: str, rubric: Rubric, answer: str, auto_score: float) -> SecondRating:
        auto = clamp_score(auto_score)
        early = self.gate(auto)
        if early is not None:
            return early
        try:
            payload = await self._post_with_retries(self.request_body(question_prompt, rubric, answer))
            return self.verdict(payload, rubric, auto)
        except Exception as exc:  # the caller keeps the deterministic score whatever happened
            return self.failed(exc, auto)

    async def _post_with_retries(self, body: dict[str, Any]) -> Any:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.config.max_retries + 1),
            wait=backoff(self.config),
            retry=retry_if_exception_type(TransientFailure),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            return await retrying(self._post_once, body)
        except TransientFailure as exc:
            raise exc.after_attempts(retrying.statistics.get("attempt_number", 1)) from exc

    async def _post_once(self, body: dict[str, Any]) -> Any:
        try:
            response = await self._client.post(self.config.endpoint, json=body, headers=self.headers())
        except httpx.HTTPError as exc:
            raise transport_failure(exc, self.config) from exc
        return check_response(response)
