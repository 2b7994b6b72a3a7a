"""Webhook retries are jittered: each wait lies between half and all of backoff x 2^(n-1) (the README's
range), is reproducible with a seeded random source, and messages failing together spread out."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from credentials import webhooks
from credentials.delivery import DeliveryPolicy, deliver_due
from credentials.models import WebhookDelivery
from prodready.db import utcnow
from prodready.settings import Settings
from tests.conftest import TEST_SECRET
from tests.credentials.test_webhooks import Receiver

# The largest values the settings accept, so the properties cover everything that can be configured.
_SCHEMA = Settings.model_json_schema()["properties"]
MAX_ATTEMPTS = int(_SCHEMA["webhook_max_attempts"]["maximum"])
MAX_BACKOFF = float(_SCHEMA["webhook_backoff_seconds"]["maximum"])
attempt_numbers = st.integers(min_value=1, max_value=MAX_ATTEMPTS)
backoffs = st.floats(min_value=0.001, max_value=MAX_BACKOFF, allow_nan=False, allow_infinity=False)
seeds = st.integers(min_value=0, max_value=2**64)


def policy(backoff: float = 30, rng: random.Random | None = None, **overrides) -> DeliveryPolicy:
    values = {"max_attempts": 4, "backoff_seconds": backoff, "timeout_seconds": 5, "allow_loopback": True,
              "environment": "local", "signing_key": TEST_SECRET}
    if rng is not None:
        values["rng"] = rng
    return DeliveryPolicy(**{**values, **overrides})


def documented_range(backoff: float, attempts: int) -> tuple[float, float]:
    """The README: after failed attempt n, between 0.5 and 1 x PRODREADY_WEBHOOK_BACKOFF_SECONDS x 2^(n-1) seconds."""
    step = backoff * 2 ** (attempts - 1)
    return 0.5 * step, step


class TestDelayProperties:
    @settings(max_examples=500, deadline=None)
    @given(attempts=attempt_numbers, backoff=backoffs, seed=seeds)
    def test_every_delay_lies_in_the_documented_range(self, attempts, backoff, seed):
        low, high = documented_range(backoff, attempts)
        delay = policy(backoff, random.Random(seed)).delay(attempts).total_seconds()
        # timedelta keeps microseconds: allow that rounding, nothing more
        assert low - 1e-6 <= delay <= high + 1e-6
        assert policy(backoff).delay_bounds(attempts) == pytest.approx((low, high))

    @settings(max_examples=200, deadline=None)
    @given(attempts=attempt_numbers, backoff=st.floats(min_value=1, max_value=MAX_BACKOFF), seed=seeds,
           messages=st.integers(min_value=2, max_value=50))
    def test_delays_of_different_messages_are_not_all_identical(self, attempts, backoff, seed, messages):
        # One policy serves every message the worker retries, as in the running server.
        shared = policy(backoff, random.Random(seed))
        delays = [shared.delay(attempts) for _ in range(messages)]
        assert len(set(delays)) > 1, delays
        low, high = documented_range(backoff, attempts)
        assert all(low - 1e-6 <= d.total_seconds() <= high + 1e-6 for d in delays)

    @settings(max_examples=100, deadline=None)
    @given(attempts=attempt_numbers, seed=seeds)
    def test_a_seeded_source_makes_delays_reproducible(self, attempts, seed):
        first = policy(rng=random.Random(seed))
        again = policy(rng=random.Random(seed))
        assert [first.delay(attempts) for _ in range(5)] == [again.delay(attempts) for _ in range(5)]

    def test_delays_spread_over_the_whole_window_not_one_corner(self):
        shared = policy(30, random.Random(20261128))
        delays = [shared.delay(3).total_seconds() for _ in range(2000)]  # window 60..120 s
        assert min(delays) < 63 and max(delays) > 117
        assert 85 < sum(delays) / len(delays) < 95

    def test_the_first_attempt_number_and_below_use_the_first_step(self):
        shared = policy(30, random.Random(1))
        for attempts in (0, 1):
            assert 15 <= shared.delay(attempts).total_seconds() <= 30

    def test_replicas_with_default_sources_do_not_retry_in_step(self):
        # Each DeliveryPolicy made without an rng seeds its own from the OS, as every replica's does.
        assert len({policy().delay(4) for _ in range(20)}) > 1


@pytest.fixture
def down_receiver():
    server = Receiver()
    server.statuses = [503] * 100
    yield server
    server.server.shutdown()


def test_messages_failing_together_are_rescheduled_apart_within_the_range(client, db, org_with_admin,
                                                                           settings_with, down_receiver):
    """A receiver that is down fails a batch in one round; their retries land at different instants."""
    org, admin = org_with_admin
    settings_with(webhook_allow_private=True)
    created = client.post(f"/api/v1/orgs/{org.slug}/webhooks", headers=admin.headers,
                          json={"url": down_receiver.url, "event_types": ["credential.issued"]})
    assert created.status_code == 201, created.text
    with db.unit_of_work() as session:
        queued = [d.id for i in range(8)
                  for d in webhooks.emit(session, org.id, "credential.issued", {"credential_id": f"c{i}"})]
    jittered = policy(30, random.Random(7))
    start = utcnow()
    assert deliver_due(db, jittered, clock=lambda: start) == 8
    assert len(down_receiver.requests) == 8
    with db.unit_of_work(write=False) as session:
        rows = session.exec(select(WebhookDelivery).where(WebhookDelivery.id.in_(queued))).all()  # type: ignore[attr-defined]
    waits = [(row.next_attempt_at - start).total_seconds() for row in rows]
    assert all(row.status == "pending" and row.attempts == 1 for row in rows)
    assert all(15 - 1e-3 <= wait <= 30 + 1e-3 for wait in waits), waits
    assert len({round(wait, 3) for wait in waits}) > 1, waits  # not one burst at start + 30 s
    assert deliver_due(db, jittered, clock=lambda: start + timedelta(seconds=14)) == 0
    assert deliver_due(db, jittered, clock=lambda: start + timedelta(seconds=30)) == 8
