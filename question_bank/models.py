"""Questions in the database: one row per question id, one per version of its content.

Answers point at a version, so editing a question never changes what an
earlier answer was scored against; removing a file retires the question
but keeps its history.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from prodready.db import UTCDateTime, new_id, utcnow


class QuestionRecord(SQLModel, table=True):
    __tablename__ = "questions"

    id: str = Field(primary_key=True, max_length=80, description="the stable id from the question file")
    title: str = Field(max_length=160)
    kind: str = Field(max_length=16, index=True)
    level: str = Field(max_length=16, index=True)
    stages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    current_version: int = Field(default=1)
    retired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class QuestionVersion(SQLModel, table=True):
    __tablename__ = "question_versions"
    __table_args__ = (
        UniqueConstraint("question_id", "version", name="uq_question_version_number"),
        UniqueConstraint("question_id", "content_hash", name="uq_question_version_hash"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    question_id: str = Field(foreign_key="questions.id", index=True, max_length=80, ondelete="CASCADE")
    version: int
    content_hash: str = Field(max_length=64)
    content: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    source_path: str = Field(default="", max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class BankSync(SQLModel, table=True):
    """One row per sync: what changed, and the content version it left the bank at."""

    __tablename__ = "bank_syncs"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    content_version: str = Field(max_length=64)
    added: int = 0
    changed: int = 0
    retired: int = 0
    unchanged: int = 0
    error_count: int = 0
    synced_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
