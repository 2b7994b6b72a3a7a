"""The probing client: a request budget, a response-size cap, and failures as evidence, not exceptions."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from sandbox.probe_client import BudgetExhausted, ProbeClient


def client_for(handler, **kwargs) -> tuple[httpx.AsyncClient, ProbeClient]:
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://service")
    return http, ProbeClient(
        http, budget=kwargs.get("budget", 10), max_response_bytes=kwargs.get("cap", 1024)
    )


def test_budget_is_enforced() -> None:
    async def scenario() -> int:
        http, client = client_for(lambda request: httpx.Response(200, json={}), budget=2)
        async with http:
            await client.get("/a")
            await client.get("/b")
            with pytest.raises(BudgetExhausted):
                await client.get("/c")
        return client.sent

    assert asyncio.run(scenario()) == 2


def test_response_is_cut_at_the_size_cap() -> None:
    async def scenario():
        http, client = client_for(lambda request: httpx.Response(200, content=b"x" * 5000), cap=1024)
        async with http:
            return await client.get("/big")

    response = asyncio.run(scenario())
    assert response.truncated and len(response.body) == 1024 and not response.ok
    assert response.json() is None and "cut at 1024 bytes" in response.exchange.note


def test_transport_errors_become_evidence() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow")

    async def scenario(handler):
        http, client = client_for(handler)
        async with http:
            return await client.post("/predict", {"a": 1})

    refused, timed_out = asyncio.run(scenario(refuse)), asyncio.run(scenario(slow))
    assert refused.status is None and "ConnectError" in refused.exchange.error
    assert timed_out.exchange.error == "timed out"
    assert refused.exchange.request == '{"a": 1}'


def test_evidence_is_truncated() -> None:
    async def scenario():
        http, client = client_for(lambda request: httpx.Response(422, text="e" * 900), cap=4096)
        async with http:
            return await client.post("/predict", content="b" * 900)

    exchange = asyncio.run(scenario()).exchange
    assert len(exchange.response) < 700 and "more characters" in exchange.response
    assert len(exchange.request) < 700


class _Drip(httpx.AsyncByteStream):
    async def __aiter__(self):
        for _ in range(100):
            await asyncio.sleep(0.05)
            yield b"."


def test_a_slow_drip_is_cut_by_the_whole_exchange_timeout() -> None:
    async def scenario():
        http = httpx.AsyncClient(
            transport=httpx.MockTransport(lambda request: httpx.Response(200, stream=_Drip())),
            base_url="http://service",
        )
        async with http:
            return await ProbeClient(http, budget=5, max_response_bytes=1024, timeout=0.3).get("/drip")

    assert asyncio.run(scenario()).exchange.error == "timed out"


def test_the_probe_time_budget_stops_new_requests() -> None:
    async def scenario() -> None:
        http, _ = client_for(lambda request: httpx.Response(200))
        async with http:
            client = ProbeClient(http, budget=5, max_response_bytes=1024, deadline_seconds=0)
            with pytest.raises(BudgetExhausted, match="time budget"):
                await client.get("/a")

    asyncio.run(scenario())
