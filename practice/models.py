"""Scored answers and the human ratings stored beside them (never over them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from prodready.db import UTCDateTime, new_id, utcnow


class Attempt(SQLModel, table=True):
    """One scored answer to one version of a question.

    `source` is `practice` for a candidate practising, `assessment` for an
    answer given inside an organisation's assessment (`org_id` set).
    """

    __tablename__ = "attempts"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    user_id: str = Field(foreign_key="users.id", index=True, max_length=32, ondelete="CASCADE")
    org_id: str | None = Field(default=None, foreign_key="organisations.id", index=True, max_length=32,
                               ondelete="CASCADE")
    source: str = Field(default="practice", max_length=16)
    question_id: str = Field(foreign_key="questions.id", index=True, max_length=80)
    question_version_id: str = Field(foreign_key="question_versions.id", max_length=32)
    answer: str = Field(sa_column=Column(Text, nullable=False))
    duration_seconds: int | None = None
    score: float
    band: int
    confidence: float
    scorer_version: str = Field(max_length=32)
    result: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    second_rating: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    needs_review: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    rescored_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ScoreOverride(SQLModel, table=True):
    """A human rater's band for an attempt, with per-criterion bands and a comment."""

    __tablename__ = "score_overrides"
    __table_args__ = (UniqueConstraint("attempt_id", "rater_id", name="uq_override_attempt_rater"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    attempt_id: str = Field(foreign_key="attempts.id", index=True, max_length=32, ondelete="CASCADE")
    rater_id: str = Field(foreign_key="users.id", index=True, max_length=32, ondelete="CASCADE")
    band: int = Field(ge=1, le=5)
    criterion_bands: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    comment: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
