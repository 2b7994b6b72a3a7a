"""Organisation integrations: embed origins and webhooks (admins), results by API key (with consent)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field
from sqlmodel import select

from api.deps import AdminScope, ApiKeyScope, SettingsDep
from credentials import consent, origins, webhooks
from practice.models import ScoreOverride

router = APIRouter(tags=["integrations"])
EventType = Literal["assessment.completed", "sandbox_run.finished", "credential.issued", "credential.revoked"]


class OriginIn(BaseModel):
    origin: str = Field(max_length=300, examples=["https://careers.example.com"])


class OriginOut(BaseModel):
    id: str
    origin: str
    created_at: datetime


class EndpointIn(BaseModel):
    url: str = Field(max_length=2048)
    event_types: list[EventType] = Field(min_length=1, max_length=4)


class EndpointOut(BaseModel):
    id: str
    url: str
    event_types: list[str]
    active: bool
    created_at: datetime
    secret: str | None = Field(default=None, description="shown once, when the endpoint is made")


class AttemptOut(BaseModel):
    attempted_at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class DeliveryOut(BaseModel):
    id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    created_at: datetime
    delivered_at: datetime | None
    log: list[AttemptOut]


class ResultOut(BaseModel):
    attempt_id: str
    candidate_id: str
    question_id: str
    score: float
    band: int
    confidence: float
    scorer_version: str
    human_bands: list[int]
    created_at: datetime


@router.get("/orgs/{org}/embed-origins", response_model=list[OriginOut])
def list_embed_origins(scope: AdminScope) -> list[OriginOut]:
    return [OriginOut(id=o.id, origin=o.origin, created_at=o.created_at) for o in origins.list_origins(scope)]


@router.post("/orgs/{org}/embed-origins", status_code=201, response_model=OriginOut)
def add_embed_origin(body: OriginIn, scope: AdminScope) -> OriginOut:
    """Register a site (https://host[:port]) allowed to frame widgets your candidates let you embed."""
    o = origins.add_origin(scope, body.origin)
    return OriginOut(id=o.id, origin=o.origin, created_at=o.created_at)


@router.delete("/orgs/{org}/embed-origins/{origin_id}", status_code=204)
def remove_embed_origin(origin_id: str, scope: AdminScope) -> Response:
    origins.remove_origin(scope, origin_id)
    return Response(status_code=204)


def _endpoint_out(e: Any, secret: str | None = None) -> EndpointOut:
    return EndpointOut(id=e.id, url=e.url, event_types=list(e.event_types), active=e.active, created_at=e.created_at,
                       secret=secret)


@router.get("/orgs/{org}/webhooks", response_model=list[EndpointOut])
def list_webhooks(scope: AdminScope) -> list[EndpointOut]:
    return [_endpoint_out(e) for e in webhooks.list_endpoints(scope)]


@router.post("/orgs/{org}/webhooks", status_code=201, response_model=EndpointOut)
def create_webhook(body: EndpointIn, scope: AdminScope, settings: SettingsDep) -> EndpointOut:
    """Add an endpoint; the response carries its signing secret once (Standard Webhooks `whsec_...`).

    The URL must be https and its host must resolve to public addresses only (checked now, and again
    before every delivery); otherwise the answer is a 422 problem saying why.
    """
    endpoint, secret = webhooks.create_endpoint(scope, url=body.url, event_types=list(body.event_types),
                                                signing_key=settings.signing_key(),
                                                allow_private=settings.webhook_allow_private,
                                                environment=settings.environment.value)
    return _endpoint_out(endpoint, secret)


@router.delete("/orgs/{org}/webhooks/{endpoint_id}", status_code=204)
def delete_webhook(endpoint_id: str, scope: AdminScope) -> Response:
    webhooks.delete_endpoint(scope, endpoint_id)
    return Response(status_code=204)


@router.get("/orgs/{org}/webhooks/{endpoint_id}/deliveries", response_model=list[DeliveryOut])
def webhook_deliveries(endpoint_id: str, scope: AdminScope,
                       limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[DeliveryOut]:
    """The delivery log: each message's status, attempts, last status code and next attempt."""
    return [DeliveryOut(id=d.id, event_type=d.event_type, status=d.status, attempts=d.attempts,
                        next_attempt_at=d.next_attempt_at, last_status_code=d.last_status_code,
                        created_at=d.created_at, delivered_at=d.delivered_at,
                        log=[AttemptOut(attempted_at=a.attempted_at, status_code=a.status_code, error=a.error,
                                        duration_ms=a.duration_ms) for a in log])
            for d, log in webhooks.deliveries(scope, endpoint_id, limit=limit)]


@router.get("/integrations/results", response_model=list[ResultOut])
def assessment_results(scope: ApiKeyScope, candidate_id: Annotated[str | None, Query(max_length=32)] = None,
                       limit: Annotated[int, Query(ge=1, le=500)] = 200,
                       offset: Annotated[int, Query(ge=0)] = 0) -> list[ResultOut]:
    """With an organisation API key: results of assessments it ran, for candidates who consented."""
    attempts = consent.org_results(scope, user_id=candidate_id, limit=limit, offset=offset)
    bands: dict[str, list[int]] = {}
    if attempts:
        for rating in scope.session.exec(select(ScoreOverride).where(
                ScoreOverride.attempt_id.in_([a.id for a in attempts]))).all():  # type: ignore[attr-defined]
            bands.setdefault(rating.attempt_id, []).append(rating.band)
    return [ResultOut(attempt_id=a.id, candidate_id=a.user_id, question_id=a.question_id, score=a.score, band=a.band,
                      confidence=a.confidence, scorer_version=a.scorer_version, human_bands=bands.get(a.id, []),
                      created_at=a.created_at) for a in attempts]
