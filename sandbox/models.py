"""The sandbox run table. The row is the truth about a run: status, lease, result.

A run moves `queued -> running -> succeeded | failed | could_not_run`; `cancelled` can
interrupt it at any point before it finishes. `succeeded` means the probe produced a report
(whatever its verdict); `failed` means the platform failed the run (its worker stopped
responding, an internal error); `could_not_run` means the submission could not be started or
probed, with the reason.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

import assessments.models  # noqa: F401  (registers `assessment_sittings`, which `sitting_id` refers to)
from prodready.db import UTCDateTime, new_id, utcnow


class RunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    COULD_NOT_RUN = "could_not_run"
    CANCELLED = "cancelled"


FINISHED = frozenset({RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.COULD_NOT_RUN, RunStatus.CANCELLED})


class RunMode(StrEnum):
    ARCHIVE = "archive"
    URL = "url"


class SandboxRun(SQLModel, table=True):
    __tablename__ = "sandbox_runs"
    __table_args__ = (
        UniqueConstraint("user_id", "idempotency_key", name="uq_sandbox_run_user_idempotency"),
        Index("ix_sandbox_runs_status_lease", "status", "lease_expires_at"),
        Index("ix_sandbox_runs_user_created", "user_id", "created_at"),
    )

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    org_id: str | None = Field(
        default=None, foreign_key="organisations.id", index=True, max_length=32, ondelete="SET NULL"
    )
    user_id: str = Field(foreign_key="users.id", max_length=32, ondelete="CASCADE")
    # The assessment sitting the run counts for, when it was submitted for an assessment's hands-on task.
    sitting_id: str | None = Field(
        default=None, foreign_key="assessment_sittings.id", index=True, max_length=32, ondelete="SET NULL"
    )
    task_id: str = Field(max_length=64)
    mode: RunMode = Field(sa_column=Column(String(16), nullable=False))
    target_url: str | None = Field(default=None, max_length=2048)
    archive_path: str | None = Field(default=None, max_length=1024, description="relative to DATA_DIR")
    archive_sha256: str | None = Field(default=None, max_length=64)
    archive_bytes: int | None = None
    idempotency_key: str | None = Field(default=None, max_length=255)
    request_digest: str = Field(max_length=64, description="sha256 of what was asked, to spot a reused key")

    status: RunStatus = Field(default=RunStatus.QUEUED, sa_column=Column(String(16), nullable=False))
    verdict: str | None = Field(default=None, max_length=32)
    score: float | None = None
    report: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    isolation: list[dict[str, Any]] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    resources: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    timings: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    logs: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))

    attempts: int = 0
    worker_id: str | None = Field(default=None, max_length=128)
    lease_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    heartbeat_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
