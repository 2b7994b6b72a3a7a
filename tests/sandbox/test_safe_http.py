"""URL mode's SSRF protection. Only loopback and locally resolved names are ever dialled here."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from sandbox.safe_http import (
    PinnedTarget,
    PinnedTransport,
    UnsafeRequestError,
    UnsafeTargetError,
    pin_target,
    refusal_reason,
    safe_transport,
)

PUBLIC = "93.184.215.14"  # documentation-style public address: never dialled, only a MockTransport sees it


def run(coro):
    return asyncio.run(coro)


def stub_resolver(*answers_per_call: list[str]):
    calls = []

    async def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        return answers_per_call[min(len(calls), len(answers_per_call)) - 1]

    resolve.calls = calls
    return resolve


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "127.8.9.10", "::1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254",
     "fe80::1", "fc00::1", "fd12:3456::1", "224.0.0.1", "ff02::1", "0.0.0.0", "::", "100.64.0.1",
     "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::127.0.0.1", "2002:7f00:1::1", "2002:a00:1::1",
     "2001:0:4136:e378:8000:63bf:3fff:fdd2", "64:ff9b::a00:1", "192.0.2.1", "198.18.0.1", "240.0.0.1"],
)
def test_non_global_addresses_are_refused(address):
    assert refusal_reason(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", [PUBLIC, "8.8.8.8", "2606:4700:4700::1111"])
def test_global_addresses_pass(address):
    assert refusal_reason(ipaddress.ip_address(address)) is None


def test_loopback_is_refused_by_default():
    with pytest.raises(UnsafeTargetError, match="loopback"):
        run(pin_target("http://127.0.0.1:8000/", environment="local"))
    with pytest.raises(UnsafeTargetError, match="loopback"):
        run(pin_target("http://localhost:8000/", environment="local"))


def test_loopback_is_allowed_with_the_flag_in_local_only():
    target = run(pin_target("http://localhost:8000/", environment="local", allow_loopback=True))
    assert ipaddress.ip_address(target.address).is_loopback and target.host == "localhost"
    with pytest.raises(UnsafeTargetError, match="only in the local environment"):
        run(pin_target("http://127.0.0.1:8000/", environment="production", allow_loopback=True))


def test_the_flag_does_not_open_private_or_mapped_addresses():
    for url in ("http://10.1.2.3/", "http://[::ffff:127.0.0.1]/", "http://169.254.169.254/latest/meta-data"):
        with pytest.raises(UnsafeTargetError):
            run(pin_target(url, environment="local", allow_loopback=True))


@pytest.mark.parametrize(
    "url", ["http://2130706433/", "http://0177.0.0.1/", "http://0x7f.1/", "http://127.1/"]
)
def test_odd_numeric_forms_are_refused(url):
    with pytest.raises(UnsafeTargetError):
        run(pin_target(url, environment="local"))


@pytest.mark.parametrize(
    "url", ["ftp://example.org/", "file:///etc/passwd", "gopher://x/", "http://u:p@example.org/"]
)
def test_only_plain_http_and_https_urls(url):
    with pytest.raises(UnsafeTargetError):
        run(pin_target(url, environment="local", resolver=stub_resolver([PUBLIC])))


def test_a_name_with_one_private_answer_among_public_ones_is_refused():
    resolver = stub_resolver([PUBLIC, "10.0.0.7"])
    with pytest.raises(UnsafeTargetError, match="10.0.0.7"):
        run(pin_target("https://mixed.example/", environment="production", resolver=resolver))


def test_metadata_name_is_refused():
    with pytest.raises(UnsafeTargetError, match="link-local"):
        run(pin_target("http://metadata.internal/", environment="production",
                       resolver=stub_resolver(["169.254.169.254"])))


def test_dns_rebinding_cannot_move_the_connection():
    """The first answer is public; any later lookup would say loopback. Requests dial the first."""
    resolver = stub_resolver([PUBLIC], ["127.0.0.1"])
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True})

    async def scenario():
        transport = await safe_transport("https://rebind.example:8443/", environment="production",
                                         resolver=resolver, inner=httpx.MockTransport(handler))
        async with httpx.AsyncClient(transport=transport, base_url="https://rebind.example:8443") as client:
            for _ in range(3):
                assert (await client.get("/healthz")).status_code == 200

    run(scenario())
    assert resolver.calls == ["rebind.example"]  # resolved once
    assert {r.url.host for r in seen} == {PUBLIC}
    assert all(r.headers["Host"] == "rebind.example:8443" for r in seen)
    assert all(r.extensions["sni_hostname"] == "rebind.example" for r in seen)


def _mock_client(handler, **limits):
    target = PinnedTarget("http", "svc.example", 80, PUBLIC)
    transport = PinnedTransport(target, inner=httpx.MockTransport(handler), **limits)
    return httpx.AsyncClient(transport=transport, base_url="http://svc.example")


def test_redirect_to_loopback_is_refused_even_when_followed():
    def handler(request):
        return httpx.Response(302, headers={"Location": "http://127.0.0.1:6379/"})

    async def scenario():
        async with _mock_client(handler) as client:
            with pytest.raises(UnsafeRequestError, match="only the submitted origin"):
                await client.get("/", follow_redirects=True)
            assert (await client.get("/")).status_code == 302  # not followed: the 3xx is only evidence

    run(scenario())


def test_oversized_response_is_cut():
    def handler(request):
        return httpx.Response(200, content=b"x" * 10_000)

    def streamed(request):
        async def chunks():
            for _ in range(100):
                yield b"y" * 1000

        return httpx.Response(200, content=chunks())

    async def scenario():
        async with _mock_client(handler, max_response_bytes=1000) as client:
            with pytest.raises(UnsafeRequestError, match="declares 10000 bytes"):
                await client.get("/")
        async with _mock_client(streamed, max_response_bytes=5000) as client:
            with pytest.raises(UnsafeRequestError, match="larger than 5000"):
                await client.get("/")

    run(scenario())


def test_request_budget_and_deadline():
    async def scenario():
        async with _mock_client(lambda r: httpx.Response(204), max_requests=2) as client:
            await client.get("/")
            await client.get("/")
            with pytest.raises(UnsafeRequestError, match="budget"):
                await client.get("/")
        async with _mock_client(lambda r: httpx.Response(204), total_seconds=0) as client:
            with pytest.raises(UnsafeRequestError, match="deadline"):
                await client.get("/")

    run(scenario())


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self):
        body = f"host={self.headers['Host']}".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_real_connection_over_loopback_in_local_self_check():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]

    async def scenario():
        url = f"http://localhost:{port}/"
        transport = await safe_transport(url, environment="local", allow_loopback=True)
        async with httpx.AsyncClient(transport=transport, base_url=f"http://localhost:{port}") as client:
            return (await client.get("/")).text

    try:
        assert run(scenario()) == f"host=localhost:{port}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_name_listing_an_address_nobody_listens_on_first_reaches_the_one_that_answers():
    """localhost often resolves to ::1 first while a service listens on 127.0.0.1 only."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    resolver = stub_resolver(["::1", "127.0.0.1", "::1"])

    async def scenario():
        url = f"http://localhost:{port}/"
        transport = await safe_transport(url, environment="local", allow_loopback=True, resolver=resolver)
        assert (transport.target.address, transport.target.fallbacks) == ("::1", ("127.0.0.1",))
        async with httpx.AsyncClient(transport=transport, base_url=url) as client:
            first = (await client.get("/")).text
            second = (await client.get("/")).text  # sticks to the address that answered
        return first, second, transport._addresses

    try:
        assert run(scenario()) == (f"host=localhost:{port}",) * 2 + (("127.0.0.1",),)
    finally:
        server.shutdown()
        server.server_close()


def test_when_no_checked_address_answers_the_connection_error_says_so():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def scenario():
        url = f"http://localhost:{port}/"
        transport = await safe_transport(url, environment="local", allow_loopback=True,
                                         resolver=stub_resolver(["127.0.0.1", "::1"]))
        async with httpx.AsyncClient(transport=transport, base_url=url) as client:
            await client.get("/")

    with pytest.raises(httpx.ConnectError):
        run(scenario())


def test_every_answer_is_checked_before_any_is_dialled():
    with pytest.raises(UnsafeTargetError, match="10.0.0.7, a private or reserved address"):
        run(pin_target("http://mixed.example/", environment="local", allow_loopback=True,
                       resolver=stub_resolver(["127.0.0.1", "10.0.0.7"])))
