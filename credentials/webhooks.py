"""Organisation webhooks: endpoints, the events they receive, and `emit` for the rest of the service.

Messages follow the Standard Webhooks spec: a JSON body `{"type", "timestamp", "data"}` with
`webhook-id`, `webhook-timestamp` and `webhook-signature` headers, signed with the endpoint's
`whsec_` secret (shown once when the endpoint is made, stored encrypted).
"""

from __future__ import annotations

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

EVENT_TYPES: tuple[str, ...] = ("assessment.completed", "sandbox_run.finished", "credential.issued",
                                "credential.revoked")
PURPOSE = "webhook-secrets"
MAX_ENDPOINTS_PER_ORG = 20
MAX_PAYLOAD_BYTES = 64 * 1024


def validate_url(raw: str, *, allow_private: bool) -> str:
    url = raw.strip()
    parts = urlsplit(url)
    if len(url) > 2048 or not parts.hostname or parts.username or parts.password or parts.fragment:
        raise InvalidInput("A webhook URL is https://host[:port]/path, without credentials or fragment.")
    if parts.scheme != "https" and not (allow_private and parts.scheme == "http"):
        raise InvalidInput("Webhook URLs must use https.")
    try:
        parts.port  # noqa: B018 - validates the port
    except ValueError as exc:
        raise InvalidInput("The port is not a number from 1 to 65535.") from exc
    return url


def create_endpoint(scope: OrgScope, *, url: str, event_types: list[str], signing_key: str,
                    allow_private: bool) -> tuple[WebhookEndpoint, str]:
    unknown = sorted(set(event_types) - set(EVENT_TYPES))
    if unknown or not event_types:
        raise InvalidInput(f"Choose events from: {', '.join(EVENT_TYPES)}.")
    if len(list_endpoints(scope)) >= MAX_ENDPOINTS_PER_ORG:
        raise InvalidInput(f"An organisation can have at most {MAX_ENDPOINTS_PER_ORG} webhook endpoints.")
    secret = "whsec_" + base64.b64encode(_random.token_bytes(32)).decode()
    endpoint = WebhookEndpoint(org_id=scope.org.id, url=validate_url(url, allow_private=allow_private),
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
