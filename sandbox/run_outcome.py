"""What a sandbox run reports: isolation layers, timings, resource usage, capped logs, probe result."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from sandbox.isolation.layers import Layer

RunStatus = Literal[
    "running",
    "completed",  # the service booted and the probe returned a report
    "rejected",  # the archive or its manifest was refused; the reason says what to fix
    "boot_failed",  # the service exited while starting
    "boot_timeout",  # it did not answer /healthz in time
    "not_probed",  # it booted, but no prober was given
    "probe_timeout",  # the run deadline passed during probing
    "probe_error",  # the prober itself failed
]


@dataclass
class RunOutcome:
    task_id: str
    environment: str
    layers: list[Layer]
    status: RunStatus = "running"
    reason: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    resources: dict[str, Any] = field(default_factory=dict)
    exit_code: int | None = None
    logs: str = ""
    logs_dropped_bytes: int = 0
    probe_report: Any = None
    notes: list[str] = field(default_factory=list)

    @property
    def isolated(self) -> bool:
        return all(layer.active for layer in self.layers)

    @property
    def missing_layers(self) -> list[str]:
        return [layer.name for layer in self.layers if not layer.active]

    def finish(self, status: RunStatus, reason: str | None) -> None:
        self.status, self.reason = status, reason

    def to_dict(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "environment": self.environment,
            "status": self.status,
            "reason": self.reason,
            "isolated": self.isolated,
            "isolation": "isolated" if self.isolated else "not isolated",
            "missing_layers": self.missing_layers,
            "layers": [layer.to_dict() for layer in self.layers],
            "timings": self.timings,
            "resources": self.resources,
            "exit_code": self.exit_code,
            "logs": self.logs,
            "logs_dropped_bytes": self.logs_dropped_bytes,
            "probe_report": self.probe_report,
            "notes": self.notes,
        }
