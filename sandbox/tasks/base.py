"""What a sandbox task provides to the kit writer and the prober."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

FeatureKind = Literal["numeric", "categorical"]


@dataclass(frozen=True)
class Feature:
    name: str
    kind: FeatureKind
    dtype: Literal["integer", "number", "string"]
    minimum: float | None = None
    maximum: float | None = None
    categories: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckPlan:
    """One check the task is graded by: which check, its weight, and task-specific parameters."""

    check_id: str
    weight: int
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Prediction:
    label: int
    probability: float


@dataclass(frozen=True)
class Endpoints:
    """Paths of the contract's endpoints, so checks do not hard-code them."""

    predict: str = "/predict"
    healthz: str = "/healthz"
    readyz: str = "/readyz"
    metrics: str = "/metrics"
    drift: str = "/drift"
    drift_reset: str = "/drift/reset"
    drain: str = "/admin/drain"
    resume: str = "/admin/resume"


@dataclass(frozen=True)
class MetricNames:
    prediction_counter: str = "predictions_total"
    latency_histogram: str = "prediction_latency_seconds"


class Task(ABC):
    """A hands-on task: a model to deploy, its contract, and how a deployment is graded."""

    id: str
    title: str
    summary: str
    features: tuple[Feature, ...]
    endpoints: Endpoints = Endpoints()
    metric_names: MetricNames = MetricNames()
    max_batch_rows: int = 1000
    probability_tolerance: float = 1e-4

    @property
    @abstractmethod
    def model_version(self) -> str: ...

    @abstractmethod
    def kit_files(self) -> dict[str, bytes]:
        """Relative path -> content of every file in the starter kit."""

    @abstractmethod
    def contract(self) -> dict[str, Any]:
        """The OpenAPI document the candidate's service must follow."""

    @abstractmethod
    def check_plan(self) -> tuple[CheckPlan, ...]: ...

    @abstractmethod
    def heldout_rows(self, n: int) -> list[dict[str, Any]]:
        """Rows the candidate never sees, for the agreement checks."""

    @abstractmethod
    def reference_predictions(self, rows: list[dict[str, Any]]) -> list[Prediction]: ...

    @abstractmethod
    def drift_reference(self) -> list[dict[str, Any]]:
        """The baseline sample the candidate's drift report compares live inputs with."""

    @abstractmethod
    def drift_windows(self, n: int) -> list[tuple[str, list[dict[str, Any]]]]:
        """Named windows of `n` rows each, in the order the prober sends them."""

    @abstractmethod
    def reference_service_argv(self, kit_dir: Path) -> list[str]:
        """Command that starts the platform's reference implementation; contains `{socket}`."""

    def valid_row(self) -> dict[str, Any]:
        return self.heldout_rows(1)[0]
