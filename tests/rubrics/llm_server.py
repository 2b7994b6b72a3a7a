"""A loopback HTTP server that speaks the OpenAI chat-completions protocol, scripted reply by reply.

Tests queue replies (a rating, an HTTP error, malformed content, a slow reply); once the queue is
empty the default reply is used. Every request is recorded with its headers and JSON body.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

API_KEY = "test-key"
MODEL = "rater-test-model"


@dataclass
class Reply:
    status: int = 200
    content: str | None = None  # choices[0].message.content
    body: Any = None  # a whole response body, sent instead of a completion
    raw: str | None = None  # bytes that are not JSON at all
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)


def rating(score: int = 72, band: int = 4, criteria: list[dict] | None = None, rationale: str = "") -> Reply:
    verdict = {
        "score": score,
        "band": band,
        "criteria": criteria if criteria is not None else [{"id": "deployment", "band": band}],
        "rationale": rationale or "Covers canary rollout and drift monitoring; retraining is thin.",
    }
    return Reply(content=json.dumps(verdict))


def error(status: int, code: str = "server_error", headers: dict[str, str] | None = None) -> Reply:
    body = {"error": {"message": f"simulated {status}", "type": code, "code": code}}
    return Reply(status=status, body=body, headers=headers or {})


@dataclass
class Recorded:
    headers: dict[str, str]
    body: Any


class ChatServer:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.script: list[Reply] = []
        self.default: Reply = rating()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def reset(self) -> None:
        self.requests.clear()
        self.script.clear()
        self.default = rating()

    def queue(self, *replies: Reply) -> None:
        self.script.extend(replies)

    async def _completions(self, request: Request) -> Response:
        raw = await request.body()
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", "replace")
        self.requests.append(Recorded(dict(request.headers), body))
        reply = self.script.pop(0) if self.script else self.default
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if request.headers.get("authorization") != f"Bearer {API_KEY}":
            unauthorised = {"error": {"message": "bad key", "type": "invalid_request_error", "code": "invalid_api_key"}}
            return JSONResponse(unauthorised, status_code=401)
        if reply.raw is not None:
            return Response(reply.raw, status_code=reply.status, media_type="text/plain")
        if reply.body is not None:
            return JSONResponse(reply.body, status_code=reply.status, headers=reply.headers)
        completion = {
            "id": f"chatcmpl-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", MODEL) if isinstance(body, dict) else MODEL,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": reply.content, "refusal": None},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 400, "completion_tokens": 60, "total_tokens": 460},
        }
        return JSONResponse(completion, status_code=reply.status, headers=reply.headers)

    def start(self) -> ChatServer:
        app = Starlette(routes=[Route("/v1/chat/completions", self._completions, methods=["POST"])])
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="warning", lifespan="off", timeout_graceful_shutdown=1)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the chat-completions test server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)
