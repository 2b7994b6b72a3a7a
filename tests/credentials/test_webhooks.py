"""Webhooks: signed per Standard Webhooks (checked with the library's verifier at a real loopback
receiver), retried with exponential backoff, logged, and never sent to loopback in production."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks import Webhook

from credentials import webhooks
from credentials.delivery import DeliveryPolicy, deliver_due
from prodready.db import utcnow
from prodready.settings import Settings
from tests.conftest import TEST_SECRET
from tests.credentials.conftest import issue, person
from tests.helpers import assert_problem


class Receiver:
    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers["content-length"]))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/prodready"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.server.shutdown()


def policy(**overrides) -> DeliveryPolicy:
    values = {"max_attempts": 4, "backoff_seconds": 30, "timeout_seconds": 5, "allow_loopback": True,
              "environment": "local", "signing_key": TEST_SECRET}
    return DeliveryPolicy(**{**values, **overrides})


@pytest.fixture
def endpoint(client, org_with_admin, receiver, settings_with):
    org, admin = org_with_admin
    settings_with(webhook_allow_private=True)
    response = client.post(f"/api/v1/orgs/{org.slug}/webhooks", headers=admin.headers,
                           json={"url": receiver.url, "event_types": list(webhooks.EVENT_TYPES)})
    assert response.status_code == 201, response.text
    return org, admin, response.json()


class TestDelivery:
    def test_signed_message_verifies_with_the_standard_webhooks_library(self, client, db, endpoint, receiver):
        org, _admin, created = endpoint
        assert created["secret"].startswith("whsec_")
        with db.unit_of_work() as session:
            webhooks.emit(session, org.id, "assessment.completed", {"assessment_id": "a1", "candidate": "<b>x</b>"})
        assert deliver_due(db, policy()) == 1
        headers, body = receiver.requests[0]
        payload = Webhook(created["secret"]).verify(body, headers)
        assert payload["type"] == "assessment.completed" and payload["data"]["assessment_id"] == "a1"
        assert headers["webhook-id"].startswith("msg_")
        with pytest.raises(Exception):  # noqa: B017 - any verification failure
            Webhook(created["secret"]).verify(body.replace(b"a1", b"a2"), headers)
        assert deliver_due(db, policy()) == 0  # delivered once, not again

    def test_failures_retry_with_exponential_backoff_and_are_logged(self, client, db, endpoint, receiver):
        org, admin, created = endpoint
        receiver.statuses = [500, 503]
        with db.unit_of_work() as session:
            webhooks.emit(session, org.id, "sandbox_run.finished", {"run_id": "r1"})
        start = utcnow()
        # Each wait is jittered between half and all of 30 x 2^(n-1) s (test_webhook_jitter.py pins that down).
        assert deliver_due(db, policy(), clock=lambda: start) == 1
        assert deliver_due(db, policy(), clock=lambda: start + timedelta(seconds=14)) == 0
        assert deliver_due(db, policy(), clock=lambda: start + timedelta(seconds=30)) == 1
        assert deliver_due(db, policy(), clock=lambda: start + timedelta(seconds=59)) == 0  # 30 + at least 30
        assert deliver_due(db, policy(), clock=lambda: start + timedelta(seconds=90)) == 1  # 30 + at most 60
        assert len(receiver.requests) == 3
        for headers, body in receiver.requests:
            Webhook(created["secret"]).verify(body, headers)
        log = client.get(f"/api/v1/orgs/{org.slug}/webhooks/{created['id']}/deliveries", headers=admin.headers).json()
        assert log[0]["status"] == "delivered" and log[0]["attempts"] == 3
        assert [a["status_code"] for a in log[0]["log"]] == [500, 503, 204]
        assert len({r[0]["webhook-id"] for r in receiver.requests}) == 1  # the same message id on every retry

    def test_gives_up_after_the_last_attempt(self, client, db, endpoint, receiver):
        org, admin, created = endpoint
        receiver.statuses = [500] * 10
        with db.unit_of_work() as session:
            webhooks.emit(session, org.id, "credential.revoked", {"credential_id": "c1"})
        now = utcnow()
        for step in range(6):
            deliver_due(db, policy(max_attempts=2), clock=lambda s=step: now + timedelta(hours=s))
        log = client.get(f"/api/v1/orgs/{org.slug}/webhooks/{created['id']}/deliveries", headers=admin.headers).json()
        assert log[0]["status"] == "failed" and log[0]["attempts"] == 2 and log[0]["next_attempt_at"] is None

    def test_loopback_is_refused_outside_local_testing(self, client, db, endpoint, receiver):
        org, admin, created = endpoint
        with db.unit_of_work() as session:
            webhooks.emit(session, org.id, "credential.issued", {"credential_id": "c1"})
        deliver_due(db, policy(allow_loopback=False, environment="production"))
        assert receiver.requests == []
        log = client.get(f"/api/v1/orgs/{org.slug}/webhooks/{created['id']}/deliveries", headers=admin.headers).json()
        assert "loopback" in log[0]["log"][0]["error"] and log[0]["status"] == "pending"

    def test_credential_events_reach_consenting_organisations(self, client, db, endpoint, receiver, member_of,
                                                              candidate):
        org, _admin, created = endpoint
        member_of(org, candidate)
        issue(client, candidate)
        assert deliver_due(db, policy()) == 0  # no consent yet: nothing queued
        client.put(f"/api/v1/profile/consents/{org.slug}", headers=candidate.headers)
        record = issue(client, candidate)
        client.post(f"/api/v1/credentials/{record['id']}/revoke", headers=candidate.headers)
        assert deliver_due(db, policy()) == 2
        types = sorted(Webhook(created["secret"]).verify(body, headers)["type"] for headers, body in receiver.requests)
        assert types == ["credential.issued", "credential.revoked"]


class TestEndpoints:
    @pytest.mark.parametrize("url", ["http://hooks.example/x", "https://user:pw@hooks.example/x", "ftp://x/y",
                                     "https://hooks.example:70000/x", "not a url"])
    def test_urls_are_validated(self, client, org_with_admin, url):
        org, admin = org_with_admin
        response = client.post(f"/api/v1/orgs/{org.slug}/webhooks", headers=admin.headers,
                               json={"url": url, "event_types": ["credential.issued"]})
        assert_problem(response, 422, "validation-error")

    def test_admin_only_secret_shown_once(self, client, db, org_with_admin):
        org, admin = org_with_admin
        outsider = person(client, db)
        path = f"/api/v1/orgs/{org.slug}/webhooks"
        body = {"url": "https://93.184.215.14/prodready", "event_types": ["credential.issued"]}
        assert_problem(client.post(path, headers=outsider.headers, json=body), 404, "not-found")
        created = client.post(path, headers=admin.headers, json=body).json()
        listed = client.get(path, headers=admin.headers).json()
        assert listed[0]["secret"] is None and created["secret"]
        assert_problem(client.post(path, headers=admin.headers, json={**body, "event_types": ["user.deleted"]}), 422,
                       "validation-error")
        assert client.delete(f"{path}/{created['id']}", headers=admin.headers).status_code == 204

    def test_production_refuses_private_webhook_targets(self, tmp_path):
        with pytest.raises(ValueError, match="WEBHOOK_ALLOW_PRIVATE"):
            Settings(environment="production", secret_key="s" * 40, data_dir=tmp_path, webhook_allow_private=True)

    def test_emit_refuses_unknown_events(self, db, endpoint):
        org, _admin, _created = endpoint
        with db.unit_of_work() as session, pytest.raises(ValueError):
            webhooks.emit(session, org.id, "user.deleted", {})


class TestWorker:
    def test_the_background_worker_sends_due_messages_and_stops(self, db, endpoint, receiver):
        import time

        from credentials.delivery import DeliveryWorker

        org, _admin, created = endpoint
        with db.unit_of_work() as session:
            webhooks.emit(session, org.id, "assessment.completed", {"assessment_id": "a9"})
        worker = DeliveryWorker(db, policy(), poll_seconds=0.05, clock=utcnow)
        worker.start()
        try:
            deadline = time.monotonic() + 10
            while not receiver.requests and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            worker.stop()
        headers, body = receiver.requests[0]
        assert Webhook(created["secret"]).verify(body, headers)["data"] == {"assessment_id": "a9"}
