"""A real HTTP server on loopback for tests: uvicorn in a thread on a free port, over TLS when given a
certificate (production settings mark cookies Secure, which a client sends over https only)."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from fastapi import FastAPI


@dataclass(frozen=True)
class Tls:
    certificate: Path  # the server's key and certificate chain, PEM
    authority: Path  # the certificate clients trust, PEM


@dataclass
class LiveServer:
    app: FastAPI
    base_url: str
    server: uvicorn.Server
    thread: threading.Thread
    tls: Tls | None = None

    def client(self, **kwargs: object) -> httpx.Client:
        if self.tls is not None:
            kwargs.setdefault("verify", ssl.create_default_context(cafile=str(self.tls.authority)))
        return httpx.Client(base_url=self.base_url, timeout=30, **kwargs)  # type: ignore[arg-type]

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_live_server(app: FastAPI, *, tls: Tls | None = None) -> LiveServer:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    certificate = str(tls.certificate) if tls else None
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="on", timeout_graceful_shutdown=2,
                            ssl_certfile=certificate, ssl_keyfile=certificate)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    scheme = "https" if tls else "http"
    return LiveServer(app=app, base_url=f"{scheme}://127.0.0.1:{port}", server=server, thread=thread, tls=tls)
