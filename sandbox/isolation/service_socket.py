"""Talking to the service's Unix socket without trusting the socket directory.

The sandbox owns its socket directory, so it could swap `service.sock` for a symlink to one of
the host's sockets (a database, say) and have the runner connect there. The runner therefore
opens the path with O_PATH|O_NOFOLLOW, checks that it is a socket owned by the sandbox account,
and connects through `/proc/self/fd/N`, which names that very inode whatever the path becomes.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import stat
import time
from pathlib import Path

import httpx

PROBE_BASE_URL = "http://sandbox"


def open_socket(path: Path, owner: int) -> int | None:
    """An O_PATH descriptor of the socket at `path`, or None if it is absent or not a real socket."""
    try:
        fd = os.open(path, os.O_PATH | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    st = os.fstat(fd)
    if not stat.S_ISSOCK(st.st_mode) or st.st_uid != owner:
        os.close(fd)
        return None
    return fd


def transport_for(fd: int) -> httpx.AsyncHTTPTransport:
    return httpx.AsyncHTTPTransport(uds=f"/proc/self/fd/{fd}")


async def _answers(fd: int) -> bool:
    async with httpx.AsyncClient(transport=transport_for(fd), base_url=PROBE_BASE_URL, timeout=2.0) as client:
        try:
            return (await client.get("/healthz")).status_code == 200
        except httpx.HTTPError:
            return False


async def wait_ready(service, owner: int, timeout: float) -> tuple[int | None, str | None]:
    """Wait for GET /healthz to answer 200; return the pinned socket descriptor or why not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code = service.poll()
        if code is not None:
            return None, f"the service exited with code {code} while starting; see the logs"
        fd = open_socket(service.socket_path, owner)
        if fd is not None:
            if await _answers(fd):
                return fd, None
            with contextlib.suppress(OSError):
                os.close(fd)
        await asyncio.sleep(0.05)
    return None, f"the service did not answer GET /healthz with 200 on its socket within {timeout:g} s"
