"""Credential tables: issuer keys, issued credentials, publications, consents, embed origins, webhooks.

Timestamps are UTC. Secrets (issuer private keys, webhook secrets) are stored encrypted
with a key derived from the service's signing key (credentials/secrets.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from prodready.db import UTCDateTime, new_id, utcnow


class IssuerKey(SQLModel, table=True):
    """An RSA key that signs credentials. The newest unretired key signs; a retired key stays
    in the JWKS (and keeps verifying) until `expires_at`."""

    __tablename__ = "issuer_keys"

    kid: str = Field(primary_key=True, max_length=64)
    public_jwk: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    private_key_encrypted: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class IssuedCredential(SQLModel, table=True):
    """One signed credential; its bit in a status list says whether it is revoked."""

    __tablename__ = "issued_credentials"
    __table_args__ = (UniqueConstraint("status_list_id", "status_index", name="uq_credential_status_slot"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    user_id: str = Field(foreign_key="users.id", index=True, max_length=32, ondelete="CASCADE")
    skill: str = Field(max_length=32)
    kid: str = Field(foreign_key="issuer_keys.kid", max_length=64)
    status_list_id: str = Field(max_length=32, index=True)
    status_index: int
    score: float
    level: str = Field(max_length=16)
    jwt: str = Field(sa_column=Column(Text, nullable=False))
    issued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    valid_until: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ProfilePublication(SQLModel, table=True):
    """What a candidate chose to make public. Absent or `published=False`: nothing is public."""

    __tablename__ = "profile_publications"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    user_id: str = Field(foreign_key="users.id", unique=True, max_length=32, ondelete="CASCADE")
    public_id: str = Field(unique=True, index=True, max_length=32)
    published: bool = False
    detail: str = Field(default="overall", max_length=16, description="`overall` or `areas`")
    embed_org_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CandidateConsent(SQLModel, table=True):
    """A candidate lets an organisation read their results through its API keys."""

    __tablename__ = "candidate_consents"
    __table_args__ = (UniqueConstraint("user_id", "org_id", name="uq_consent_user_org"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    user_id: str = Field(foreign_key="users.id", index=True, max_length=32, ondelete="CASCADE")
    org_id: str = Field(foreign_key="organisations.id", index=True, max_length=32, ondelete="CASCADE")
    granted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class OrgEmbedOrigin(SQLModel, table=True):
    """An origin (scheme://host[:port]) allowed to frame widgets the organisation may embed."""

    __tablename__ = "org_embed_origins"
    __table_args__ = (UniqueConstraint("org_id", "origin", name="uq_embed_origin_org"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    org_id: str = Field(foreign_key="organisations.id", index=True, max_length=32, ondelete="CASCADE")
    origin: str = Field(max_length=300)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class WebhookEndpoint(SQLModel, table=True):
    __tablename__ = "webhook_endpoints"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    org_id: str = Field(foreign_key="organisations.id", index=True, max_length=32, ondelete="CASCADE")
    url: str = Field(max_length=2048)
    secret_encrypted: str = Field(sa_column=Column(Text, nullable=False))
    event_types: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class WebhookDelivery(SQLModel, table=True):
    """One event for one endpoint; `status` is pending until delivered or given up (`failed`)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),)

    id: str = Field(primary_key=True, max_length=40, description="the webhook-id header: msg_<random>")
    endpoint_id: str = Field(foreign_key="webhook_endpoints.id", index=True, max_length=32, ondelete="CASCADE")
    org_id: str = Field(foreign_key="organisations.id", index=True, max_length=32, ondelete="CASCADE")
    event_type: str = Field(max_length=64)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    next_attempt_at: datetime | None = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class WebhookAttempt(SQLModel, table=True):
    """The delivery log: one row per HTTP attempt."""

    __tablename__ = "webhook_attempts"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    delivery_id: str = Field(foreign_key="webhook_deliveries.id", index=True, max_length=40, ondelete="CASCADE")
    attempted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    status_code: int | None = None
    error: str | None = Field(default=None, max_length=500)
    duration_ms: int = 0
