"""Knobs of a probe run; the defaults are what `prodready probe` uses."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from sandbox.report import LatencyStats

if TYPE_CHECKING:
    from sandbox.isolation import HostIsolation, ResourceLimits


@dataclass(frozen=True)
class SandboxPlacement:
    """How the runner started the candidate's service; the latency baseline is measured the same way.

    Set by `sandbox.runner.arun_submission` on the options it hands to the prober; absent when the
    service is probed by URL (no sandbox), in which case the baseline runs without isolation.
    """

    environment: str
    work_root: Path
    runtime_dir: Path
    limits: ResourceLimits
    host: HostIsolation


class ProbeOptions(BaseModel):
    model_config = ConfigDict(frozen=True)

    timeout_seconds: float = Field(default=5.0, gt=0, le=60, description="per request, start to last byte")
    deadline_seconds: float = Field(default=600, gt=0, le=3600, description="for the whole probe")
    max_response_bytes: int = Field(default=1_000_000, ge=1024)
    request_budget: int = Field(default=3000, ge=10)
    heldout_rows: int = Field(default=200, ge=10, le=5000)
    batch_rows: int = Field(default=25, ge=2, le=500)
    drift_window_rows: int = Field(default=400, ge=50, le=1000)
    concurrency: int = Field(default=4, ge=1, le=32, description="for the agreement and drift traffic")
    load_requests: int = Field(default=300, ge=10, le=5000)
    load_concurrency: int = Field(default=8, ge=1, le=64)
    latency_baseline: LatencyStats | None = Field(
        default=None, description="the reference implementation's numbers; measured when absent"
    )
    measure_baseline: bool = True
    checks: tuple[str, ...] | None = Field(default=None, description="run only these check ids")
    # A SandboxPlacement (not validated, never serialized): set by the runner, not by callers.
    sandbox: Any = Field(default=None, exclude=True, repr=False)
