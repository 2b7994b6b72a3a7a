"""An HTTP client for probing: a request budget, a per-request timeout and a response-size cap.

Every call returns an `Exchange` (also kept as evidence); transport failures become an
`Exchange` with `error` set instead of an exception, so a check can grade them.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx

from sandbox.report import Exchange

EVIDENCE_CHARS = 600
_STALE = ("ReadError", "RemoteProtocolError", "WriteError")


class BudgetExhausted(RuntimeError):
    """The probe used up its request or time budget; the running check cannot finish honestly."""


class ProbeResponse:
    def __init__(self, exchange: Exchange, body: bytes, truncated: bool) -> None:
        self.exchange = exchange
        self.body = body
        self.truncated = truncated

    @property
    def status(self) -> int | None:
        return self.exchange.status

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and not self.truncated

    def json(self) -> Any:
        """The parsed body, or None when it is not JSON (or was cut at the size cap)."""
        if self.truncated:
            return None
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def clip(text: str | None, limit: int = EVIDENCE_CHARS) -> str | None:
    if text is None or len(text) <= limit:
        return text
    return f"{text[:limit]}... [{len(text) - limit} more characters]"


class ProbeClient:
    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        budget: int,
        max_response_bytes: int,
        timeout: float = 5.0,
        deadline_seconds: float | None = None,
    ) -> None:
        self._client = client
        self.budget = budget
        self.max_response_bytes = max_response_bytes
        self.timeout = timeout
        self.deadline_seconds = deadline_seconds
        self.deadline = None if deadline_seconds is None else time.monotonic() + deadline_seconds
        self.sent = 0

    async def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        content: str | bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> ProbeResponse:
        if json_body is not None:
            content = json.dumps(json_body)
            headers = {"content-type": "application/json", **(headers or {})}
        shown = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
        exchange = Exchange(method=method, path=path, request=clip(shown))
        started = time.perf_counter()
        body, truncated = await self._send(exchange, method, path, content, headers)
        if exchange.status is None and exchange.error and exchange.error.startswith(_STALE):
            # A keep-alive connection the server had already closed (common right after a 500):
            # try once more on a fresh connection rather than blame the service for the pool.
            first = exchange.error
            exchange.error = None
            body, truncated = await self._send(exchange, method, path, content, headers)
            exchange.note = f"retried once after {first}"
        exchange.elapsed_ms = round((time.perf_counter() - started) * 1000, 2)
        exchange.response = (
            clip(body.decode("utf-8", errors="replace")) if exchange.status is not None else None
        )
        return ProbeResponse(exchange, body, truncated)

    async def _send(
        self, exchange: Exchange, method: str, path: str, content: Any, headers: dict[str, str] | None
    ) -> tuple[bytes, bool]:
        if self.sent >= self.budget:
            raise BudgetExhausted(f"the request budget of {self.budget} requests is used up")
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise BudgetExhausted(f"the probe's time budget of {self.deadline_seconds:g} s is used up")
        self.sent += 1
        body, truncated = b"", False
        try:
            # httpx's timeout is per read; this bounds the whole exchange (a slow drip included).
            async with asyncio.timeout(self.timeout):
                async with self._client.stream(method, path, content=content, headers=headers) as response:
                    exchange.status = response.status_code
                    async for chunk in response.aiter_bytes():
                        body += chunk
                        if len(body) > self.max_response_bytes:
                            body, truncated = body[: self.max_response_bytes], True
                            exchange.note = f"response cut at {self.max_response_bytes} bytes"
                            break
        except (httpx.TimeoutException, TimeoutError):
            exchange.error = "timed out"
        except httpx.HTTPError as exc:
            exchange.error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        return body, truncated

    async def get(self, path: str) -> ProbeResponse:
        return await self.request("GET", path)

    async def post(self, path: str, json_body: Any = None, **kwargs: Any) -> ProbeResponse:
        return await self.request("POST", path, json_body=json_body, **kwargs)
