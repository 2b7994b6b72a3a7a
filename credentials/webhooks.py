"""Organisation webhooks: endpoints, the events they receive, and `emit` for the rest of the service.

Messages follow the Standard Webhooks spec: a JSON body `{"type", "timestamp", "data"}` with
`webhook-id`, `webhook-timestamp` and `webhook-signature` headers, signed with the endpoint's
`whsec_` secret (shown once when the endpoint is made, stored encrypted).

A target URL is checked when the endpoint is registered, with the same resolver and address rules
the sender applies (sandbox/safe_http.py), so an admin hears at once that it points at loopback, a
private network or cloud metadata, or does not resolve. The sender checks again on every attempt:
a name's DNS answer can change after registration (rebinding).
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets as _random
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session, select

from credentials import secrets
from credentials.models import CandidateConsent, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from prodready.accounts.scope import OrgScope
from prodready.errors import InvalidInput
from sandbox.safe_http import Resolver, UnsafeTargetError, pin_target, system_resolver

EVENT_TYPES: tuple[str, ...] = ("assessment.completed", "sandbox_run.finished", "credential.issued",
                                "credential.revoked")
PURPOSE = "webhook-secrets"
MAX_ENDPOINTS_PER_ORG = 20
MAX_PAYLOAD_BYTES = 64 * 1024
REGISTRATION_LOOKUP_SECONDS = 5.0


def validate_url(raw: str, *, allow_private: bool, environment: str = "local",
                 resolver: Resolver | None = system_resolver) -> str:
    """The stripped URL, or InvalidInput saying what is wrong with it.

    `allow_private` (local testing only) allows plain http and loopback targets. With a `resolver`, the
    host is resolved and every address must be one the sender may dial; None checks the form only.
    """
    url = raw.strip()
    parts = urlsplit(url)
    if (len(url) > 2048 or parts.scheme not in ("http", "https") or not parts.hostname or parts.username
            or parts.password or parts.fragment):
        raise InvalidInput("A webhook URL is https://host[:port]/path, without credentials or fragment.")
    try:
        parts.port  # noqa: B018 - validates the port
    except ValueError as exc:
        raise InvalidInput("The port is not a number from 1 to 65535.") from exc
    if resolver is not None:
        # Where the URL leads comes before how it is written: "resolves to a loopback address" is the
        # problem to fix in http://localhost/, not the missing "s".
        check_target(url, allow_private=allow_private, environment=environment, resolver=resolver)
    if parts.scheme != "https" and not allow_private:
        raise InvalidInput("Webhook URLs must use https.")
    return url


def check_target(url: str, *, allow_private: bool, environment: str, resolver: Resolver = system_resolver) -> None:
    """Refuse a URL the sender would refuse: resolved once, by the sender's own rules (`pin_target`).

    The look-up runs inside the registering request's transaction (on SQLite, while holding the write
    lock), so it gets a bounded time; a name that takes longer is refused and can be registered again.
    """
    checking = pin_target(url, environment=environment, allow_loopback=allow_private, resolver=resolver)
    # Not asyncio.run: it waits for the resolver's thread on the way out, which would undo the bound.
    # Closing the loop leaves a stuck getaddrinfo thread to finish on its own.
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(asyncio.wait_for(checking, REGISTRATION_LOOKUP_SECONDS))
    except TimeoutError as exc:
        raise InvalidInput(f"Webhook URL refused: looking up its host took longer than {REGISTRATION_LOOKUP_SECONDS:g} "
                           "seconds. Check the name, or try again.") from exc
    except UnsafeTargetError as exc:
        reason = str(exc).removesuffix("; only public addresses are probed")
        raise InvalidInput(f"Webhook URL refused: {reason}. Webhooks are sent only to hosts that resolve to "
                           "public internet addresses.") from exc
    finally:
        loop.close()


def create_endpoint(scope: OrgScope, *, url: str, event_types: list[str], signing_key: str,
                    allow_private: bool, environment: str = "local",
                    resolver: Resolver | None = system_resolver) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint (InvalidInput when the URL or events are not acceptable) and make its secret.

    Pass `allow_private` and `environment` from the settings (`webhook_allow_private`, `environment`).
    """
    unknown = sorted(set(event_types) - set(EVENT_TYPES))
    if unknown or not event_types:
        raise InvalidInput(f"Choose events from: {', '.join(EVENT_TYPES)}.")
    if len(list_endpoints(scope)) >= MAX_ENDPOINTS_PER_ORG:
        raise InvalidInput(f"An organisation can have at most {MAX_ENDPOINTS_PER_ORG} webhook endpoints.")
    checked = validate_url(url, allow_private=allow_private, environment=environment, resolver=resolver)
    secret = "whsec_" + base64.b64encode(_random.token_bytes(32)).decode()
    endpoint = WebhookEndpoint(org_id=scope.org.id, url=checked,
                               secret_encrypted=secrets.encrypt(signing_key, PURPOSE, secret.encode()),
                               event_types=sorted(set(event_types)))
    return scope.add(endpoint), secret


def list_endpoints(scope: OrgScope) -> list[WebhookEndpoint]:
    return list(scope.session.exec(scope.select(WebhookEndpoint).order_by(WebhookEndpoint.created_at)).all())


def delete_endpoint(scope: OrgScope, endpoint_id: str) -> None:
    scope.session.delete(scope.get(WebhookEndpoint, endpoint_id))
    scope.session.flush()


def endpoint_secret(endpoint: WebhookEndpoint, signing_key: str) -> str:
    return secrets.decrypt(signing_key, PURPOSE, endpoint.secret_encrypted).decode()


def deliveries(scope: OrgScope, endpoint_id: str, *, limit: int = 50) -> list[tuple[WebhookDelivery, list]]:
    scope.get(WebhookEndpoint, endpoint_id)
    rows = scope.session.exec(scope.select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
                              .order_by(WebhookDelivery.created_at.desc()).limit(limit)).all()  # type: ignore[attr-defined]
    return [(row, list(scope.session.exec(select(WebhookAttempt).where(WebhookAttempt.delivery_id == row.id)
                                          .order_by(WebhookAttempt.attempted_at)).all())) for row in rows]


def emit(session: Session, org_id: str, event_type: str, payload: dict[str, Any]) -> list[WebhookDelivery]:
    """Queue `event_type` for every active endpoint of the organisation that subscribed to it.

    Call inside the unit of work that made the change: the deliveries commit (or roll back) with it,
    and the delivery worker sends them afterwards.
    """
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event {event_type!r}")
    if len(json.dumps(payload, default=str)) > MAX_PAYLOAD_BYTES:
        raise ValueError("webhook payloads are limited to 64 KiB")
    endpoints = session.exec(select(WebhookEndpoint).where(WebhookEndpoint.org_id == org_id,
                                                           WebhookEndpoint.active.is_(True))).all()  # type: ignore[attr-defined]
    queued = []
    for endpoint in endpoints:
        if event_type in endpoint.event_types:
            delivery = WebhookDelivery(id="msg_" + _random.token_urlsafe(18), endpoint_id=endpoint.id, org_id=org_id,
                                       event_type=event_type, payload=json.loads(json.dumps(payload, default=str)))
            session.add(delivery)
            queued.append(delivery)
    session.flush()
    return queued


def emit_to_consenting_orgs(session: Session, user_id: str, event_type: str, payload: dict[str, Any]) -> None:
    """Credential events go to the organisations the candidate lets read their results."""
    org_ids = session.exec(select(CandidateConsent.org_id).where(CandidateConsent.user_id == user_id,
                                                                 CandidateConsent.withdrawn_at.is_(None))).all()  # type: ignore[union-attr]
    for org_id in org_ids:
        emit(session, org_id, event_type, payload)
