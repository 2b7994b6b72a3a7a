"""Sending webhooks: a worker thread that delivers due messages, retrying with exponential backoff.

Each due delivery is first claimed (its next attempt pushed past the request timeout with a
conditional update), so several replicas never send the same attempt twice. The target is
resolved once and refused when it is not a public address (sandbox/safe_http.py); the request
dials that pinned address, keeping the name for the Host header and TLS, and never follows
redirects. A 2xx is delivered; anything else retries after a random wait between half and all of
backoff x 2^(attempt-1) ("equal jitter", see `DeliveryPolicy.delay`), until `webhook_max_attempts`, then
the delivery is `failed`. Every attempt is logged.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
from sqlmodel import Session, select, update
from standardwebhooks import Webhook

from credentials.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from credentials.webhooks import endpoint_secret
from prodready.db import Database, utcnow
from prodready.observability import get_logger
from sandbox.safe_http import UnsafeTargetError, safe_transport

Clock = Callable[[], datetime]
BATCH = 20
MAX_ERROR_CHARS = 500
log = get_logger("credentials.webhooks")


@dataclass(frozen=True)
class DeliveryPolicy:
    max_attempts: int
    backoff_seconds: float
    timeout_seconds: float
    allow_loopback: bool
    environment: str
    signing_key: str
    # The jitter's random source; pass a seeded `random.Random` to make delays reproducible in tests.
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def delay_bounds(self, attempts: int) -> tuple[float, float]:
        """The range, in seconds, that the wait after the `attempts`-th failed attempt is drawn from."""
        ceiling = self.backoff_seconds * 2 ** max(0, attempts - 1)
        return ceiling / 2, ceiling

    def delay(self, attempts: int) -> timedelta:
        # Equal jitter: half of the exponential step is fixed, the other half random. Without jitter every
        # message that failed against a receiver that is down retries at the same instants, so the receiver
        # meets the whole backlog in one burst as it recovers. Full jitter (0 to the step) spreads retries a
        # little wider, but can retry a failed message almost at once; keeping half the step fixed means a
        # struggling receiver always gets at least half the configured pause, and the wait never exceeds the
        # un-jittered step, so the total time before a message is given up stays what it was.
        low, high = self.delay_bounds(attempts)
        return timedelta(seconds=self.rng.uniform(low, high))


def message_body(delivery: WebhookDelivery) -> str:
    return json.dumps({"type": delivery.event_type, "timestamp": delivery.created_at.isoformat(),
                       "data": delivery.payload}, separators=(",", ":"))


def _send(policy: DeliveryPolicy, url: str, secret: str, delivery: WebhookDelivery, now: datetime) -> int:
    body = message_body(delivery)
    signature = Webhook(secret).sign(delivery.id, now, body)
    headers = {"content-type": "application/json", "user-agent": "prodready-webhooks",
               "webhook-id": delivery.id, "webhook-timestamp": str(int(now.timestamp())),
               "webhook-signature": signature}

    async def post() -> int:
        # The prober's transport: resolved and checked once, dialled at the checked address (keeping the
        # name for Host and TLS), the origin only, the response capped.
        transport = await safe_transport(url, environment=policy.environment, allow_loopback=policy.allow_loopback,
                                         max_requests=1, total_seconds=policy.timeout_seconds * 2)
        async with httpx.AsyncClient(transport=transport, timeout=policy.timeout_seconds,
                                     follow_redirects=False) as client:
            return (await client.post(url, content=body.encode(), headers=headers)).status_code

    return asyncio.run(post())


def _due(session: Session, now: datetime) -> list:
    return list(session.exec(select(WebhookDelivery.id, WebhookDelivery.next_attempt_at).where(
        WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)  # type: ignore[operator]
        .order_by(WebhookDelivery.next_attempt_at).limit(BATCH)).all())  # type: ignore[arg-type]


def _claim(database: Database, now: datetime, lease: timedelta) -> list[str]:
    # Look first without SQLite's write lock: an idle poll must never block (or be blocked by) writers.
    with database.unit_of_work(write=False) as session:
        if not _due(session, now):
            return []
    with database.unit_of_work() as session:
        due = _due(session, now)
        claimed = []
        for delivery_id, due_at in due:
            result = session.exec(update(WebhookDelivery).where(  # type: ignore[call-overload]
                WebhookDelivery.id == delivery_id, WebhookDelivery.next_attempt_at == due_at,
                WebhookDelivery.status == "pending").values(next_attempt_at=now + lease))
            if result.rowcount == 1:
                claimed.append(delivery_id)
        return claimed


def deliver_due(database: Database, policy: DeliveryPolicy, clock: Clock = utcnow) -> int:
    """Send every due delivery once; returns how many were attempted."""
    now = clock()
    claimed = _claim(database, now, timedelta(seconds=policy.timeout_seconds * 3))
    for delivery_id in claimed:
        with database.unit_of_work(write=False) as session:
            delivery = session.get(WebhookDelivery, delivery_id)
            endpoint = session.get(WebhookEndpoint, delivery.endpoint_id) if delivery else None
        if delivery is None or endpoint is None:
            continue
        code: int | None = None
        error: str | None = None
        started = time.perf_counter()
        try:
            code = _send(policy, endpoint.url, endpoint_secret(endpoint, policy.signing_key), delivery, now)
            if not 200 <= code < 300:
                error = f"the endpoint answered {code}"
        except (httpx.HTTPError, UnsafeTargetError, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]
        _record(database, policy, delivery_id, code, error, now, int((time.perf_counter() - started) * 1000))
    return len(claimed)


def _record(database: Database, policy: DeliveryPolicy, delivery_id: str, code: int | None, error: str | None,
            now: datetime, duration_ms: int) -> None:
    with database.unit_of_work() as session:
        delivery = session.get(WebhookDelivery, delivery_id)
        if delivery is None:
            return
        delivery.attempts += 1
        delivery.last_status_code, delivery.last_error = code, error
        if error is None:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = "delivered", now, None
        elif delivery.attempts >= policy.max_attempts:
            delivery.status, delivery.next_attempt_at = "failed", None
        else:
            delivery.next_attempt_at = now + policy.delay(delivery.attempts)
        session.add(delivery)
        session.add(WebhookAttempt(delivery_id=delivery_id, attempted_at=now, status_code=code, error=error,
                                   duration_ms=duration_ms))
    if error:
        log.info("webhook attempt failed", delivery_id=delivery_id, attempts=delivery.attempts, error=error)


class DeliveryWorker:
    """The in-process sender, started and stopped with the app."""

    def __init__(self, database: Database, policy: DeliveryPolicy, *, poll_seconds: float,
                 clock: Clock = utcnow) -> None:
        self.database, self.policy, self.poll_seconds, self.clock = database, policy, poll_seconds, clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="prodready-webhooks", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.policy.timeout_seconds + 5)

    def _run(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            try:
                deliver_due(self.database, self.policy, self.clock)
            except Exception as exc:  # a database hiccup must not kill the sender
                log.warning("webhook delivery round failed", error=str(exc))
