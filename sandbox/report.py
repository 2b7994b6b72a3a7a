"""The prober's result: a JSON-serialisable report with a verdict, a score and evidence per check."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


class CheckVerdict(StrEnum):
    passed = "pass"
    partial = "partial"
    failed = "fail"
    could_not_run = "could_not_run"


class OverallVerdict(StrEnum):
    passed = "pass"
    failed = "fail"
    could_not_probe = "could_not_probe"


class Exchange(BaseModel):
    """One request and its response, truncated, as evidence."""

    method: str
    path: str
    request: str | None = None
    status: int | None = None
    response: str | None = None
    error: str | None = None
    elapsed_ms: float | None = None
    note: str | None = None


class LatencyStats(BaseModel):
    requests: int
    concurrency: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    error_rate: float
    wall_seconds: float


class CheckResult(BaseModel):
    id: str
    title: str
    weight: int
    verdict: CheckVerdict
    score: float = Field(ge=0, le=1, description="partial credit in [0, 1]; 0 when the check could not run")
    summary: str
    evidence: list[Exchange] = Field(default_factory=list)
    details: dict = Field(default_factory=dict)
    hint: str | None = None
    seconds: float = 0.0


class ProbeReport(BaseModel):
    task_id: str
    target: str
    verdict: OverallVerdict
    score: float = Field(ge=0, le=100, description="weighted mean of the check scores, 0-100")
    reason: str | None = None
    checks: list[CheckResult] = Field(default_factory=list)
    requests_sent: int = 0
    seconds: float = 0.0
