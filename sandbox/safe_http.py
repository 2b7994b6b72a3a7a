"""SSRF-safe HTTP for probing a service the candidate hosts elsewhere (URL mode).

The host is resolved once; if any address is not globally routable the URL is refused. Every
request then dials the pinned address while keeping the name in the Host header and in TLS SNI
(and certificate checks), so a DNS answer that changes later (rebinding) cannot redirect the
probe. Requests to any other origin (a redirect, say) are refused; responses are size-capped;
the whole session has a request budget and a deadline.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import httpx

Resolver = Callable[[str, int], Awaitable[list[str]]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
# Numeric hosts other than canonical dotted quads (2130706433, 0177.0.0.1, 0x7f.1, 127.1) are
# read differently by different resolvers: refuse them rather than guess.
_ODD_NUMERIC = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}$", re.IGNORECASE)


class UnsafeTargetError(ValueError):
    """The URL may not be probed; the message says why (shown to the candidate)."""


class UnsafeRequestError(httpx.TransportError):
    """A request during probing broke a rule: another origin, the budget, the size or the deadline."""


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def refusal_reason(address: IPAddress, *, allow_loopback: bool = False) -> str | None:
    """Why `address` may not be dialled, or None when it is a global unicast address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or (address.sixtofour if address.sixtofour else None)
        if address.teredo:
            return "a Teredo address (it tunnels to an IPv4 host)"
        if address in _IPV4_COMPATIBLE and not address.is_unspecified and not address.is_loopback:
            return "an IPv4-compatible IPv6 address"
        if address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            inner = refusal_reason(embedded, allow_loopback=False)
            if address.ipv4_mapped is not None:
                return f"an IPv4-mapped IPv6 address ({inner or 'use the IPv4 form'})"
            if inner:
                return f"an IPv6 address embedding {embedded}, {inner}"
    if address.is_loopback:
        return None if allow_loopback else "a loopback address"
    if address.is_unspecified:
        return "the unspecified address"
    if address.is_link_local:
        return "a link-local address (this includes cloud metadata at 169.254.169.254)"
    if address.is_multicast:
        return "a multicast address"
    if isinstance(address, ipaddress.IPv4Address) and address in ipaddress.ip_network("100.64.0.0/10"):
        return "a carrier-grade NAT address (100.64.0.0/10)"
    if address.is_private or not address.is_global:
        return "a private or reserved address"
    return None


@dataclass(frozen=True)
class PinnedTarget:
    scheme: str
    host: str
    port: int
    address: str  # the resolver's first answer
    # The host's other checked answers, tried in order when the first refuses the connection: a name
    # like localhost often lists ::1 first while the service listens on 127.0.0.1 only.
    fallbacks: tuple[str, ...] = ()


async def pin_target(
    url: str,
    *,
    environment: str,
    allow_loopback: bool = False,
    resolver: Resolver = system_resolver,
) -> PinnedTarget:
    """Check `url` and resolve its host once; the answer is what every request will dial."""
    if allow_loopback and environment != "local":
        raise UnsafeTargetError("loopback targets are allowed only in the local environment")
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise UnsafeTargetError(f"not a valid URL: {exc}") from exc
    if parsed.scheme not in ("http", "https"):
        raise UnsafeTargetError("only http:// and https:// URLs can be probed")
    if not parsed.host:
        raise UnsafeTargetError("the URL has no host")
    if parsed.userinfo:
        raise UnsafeTargetError("credentials in the URL are not accepted")
    host = parsed.host.rstrip(".").lower()
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
        if _ODD_NUMERIC.match(host):
            raise UnsafeTargetError(
                f"{host!r} is a numeric host in a non-standard form; write the address "
                "as a dotted quad or use a name"
            ) from None
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    if not 0 < port < 65536:
        raise UnsafeTargetError(f"port {port} is not valid")
    try:
        answers = [str(literal)] if literal else await resolver(host, port)
    except OSError as exc:
        raise UnsafeTargetError(f"cannot resolve {host!r}: {exc}") from exc
    if not answers:
        raise UnsafeTargetError(f"{host!r} has no address")
    for answer in answers:
        reason = refusal_reason(ipaddress.ip_address(answer), allow_loopback=allow_loopback)
        if reason:
            raise UnsafeTargetError(
                f"{host!r} resolves to {answer}, {reason}; only public addresses are probed"
            )
    distinct = list(dict.fromkeys(answers))
    return PinnedTarget(parsed.scheme, host, port, distinct[0], tuple(distinct[1:]))


class _CappedStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, cap: int, deadline: float) -> None:
        self._inner, self._cap, self._deadline = inner, cap, deadline

    async def __aiter__(self) -> AsyncIterator[bytes]:
        received = 0
        async for chunk in self._inner:
            received += len(chunk)
            if received > self._cap:
                raise UnsafeRequestError(f"the response is larger than {self._cap} bytes")
            if time.monotonic() > self._deadline:
                raise UnsafeRequestError("the probing deadline passed while reading a response")
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


class PinnedTransport(httpx.AsyncBaseTransport):
    """Dial only the pinned address, for the pinned origin, within a budget."""

    def __init__(
        self,
        target: PinnedTarget,
        *,
        max_requests: int = 2_000,
        max_response_bytes: int = 4 * 1024 * 1024,
        total_seconds: float = 300.0,
        inner: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.target = target
        self.requests_left = max_requests
        self.max_response_bytes = max_response_bytes
        self.deadline = time.monotonic() + total_seconds
        self._inner = inner or httpx.AsyncHTTPTransport(retries=0)
        # Until one address has answered, a refused connection moves on to the next checked answer;
        # after that, every request dials the address that answered.
        self._addresses: tuple[str, ...] = (target.address, *target.fallbacks)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url, target = request.url, self.target
        port = url.port or (443 if url.scheme == "https" else 80)
        if (url.scheme, url.host.rstrip(".").lower(), port) != (target.scheme, target.host, target.port):
            raise UnsafeRequestError(
                f"refusing a request to {url.scheme}://{url.host}:{port}: only the "
                f"submitted origin is probed (redirects are not followed elsewhere)"
            )
        if self.requests_left <= 0:
            raise UnsafeRequestError("the request budget for this probe is spent")
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise UnsafeRequestError("the probing deadline has passed")
        self.requests_left -= 1
        headers = httpx.Headers(request.headers)
        headers["Accept-Encoding"] = "identity"  # the cap then bounds what is decoded, too
        for index, address in enumerate(self._addresses):
            pinned = httpx.Request(
                request.method,
                url.copy_with(host=address),
                headers=headers,
                stream=request.stream,  # a refused connection sent nothing, so the body is still unread
                extensions={**request.extensions, "sni_hostname": target.host},
            )
            try:
                response = await asyncio.wait_for(self._inner.handle_async_request(pinned),
                                                  self.deadline - time.monotonic())
            except TimeoutError as exc:
                raise UnsafeRequestError("the probing deadline passed while waiting for a response") from exc
            except httpx.ConnectError:
                if index + 1 == len(self._addresses):
                    raise
                continue
            self._addresses = (address,)
            break
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > self.max_response_bytes:
            await response.aclose()
            raise UnsafeRequestError(f"the response declares {length} bytes, over {self.max_response_bytes}")
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            extensions=response.extensions,
            stream=_CappedStream(response.stream, self.max_response_bytes, self.deadline),
        )

    async def aclose(self) -> None:
        await self._inner.aclose()


async def safe_transport(
    url: str,
    *,
    environment: str,
    allow_loopback: bool = False,
    resolver: Resolver = system_resolver,
    **limits: float,
) -> PinnedTransport:
    """Check and pin `url`, then return the transport to probe it with (raises UnsafeTargetError)."""
    target = await pin_target(url, environment=environment, allow_loopback=allow_loopback, resolver=resolver)
    return PinnedTransport(target, **limits)
