"""Account tables. Timestamps are UTC; ids are opaque random strings."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from prodready.db import UTCDateTime, new_id, utcnow


class Role(StrEnum):
    CANDIDATE = "candidate"
    INTERVIEWER = "interviewer"
    ADMIN = "admin"


# What each role may do includes what the roles below it may do.
ROLE_RANK = {Role.CANDIDATE: 1, Role.INTERVIEWER: 2, Role.ADMIN: 3}


class Organisation(SQLModel, table=True):
    __tablename__ = "organisations"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    slug: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=120)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    email: str = Field(max_length=254, unique=True, index=True)
    display_name: str = Field(max_length=120)
    password_hash: str = Field(max_length=255)
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Membership(SQLModel, table=True):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "org_id", name="uq_membership_user_org"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    user_id: str = Field(foreign_key="users.id", index=True, max_length=32, ondelete="CASCADE")
    org_id: str = Field(foreign_key="organisations.id", index=True, max_length=32, ondelete="CASCADE")
    role: Role = Field(sa_column=Column(String(16), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AuthSession(SQLModel, table=True):
    """A server-side sign-in. Only the token's hash is stored, so a database
    leak does not hand out live sessions; revoking sets `revoked_at`."""

    __tablename__ = "auth_sessions"

    id: str = Field(primary_key=True, max_length=64, description="sha256 of the session token")
    user_id: str = Field(foreign_key="users.id", index=True, max_length=32, ondelete="CASCADE")
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    user_agent: str = Field(default="", max_length=255)


class ApiKey(SQLModel, table=True):
    """An organisation's key for integrations. The secret is shown once; we keep its hash."""

    __tablename__ = "api_keys"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    org_id: str = Field(foreign_key="organisations.id", index=True, max_length=32, ondelete="CASCADE")
    name: str = Field(max_length=80)
    prefix: str = Field(max_length=16, index=True, description="first characters, to recognise a key")
    key_hash: str = Field(max_length=64, unique=True)
    created_by: str | None = Field(default=None, foreign_key="users.id", max_length=32, ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
