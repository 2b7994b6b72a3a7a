"""Prometheus metrics and the drift window of the reference service."""

from __future__ import annotations

from collections import deque
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram

from sandbox import drift
from sandbox.tasks.churn_deploy.contract import DRIFT_MIN_ROWS, DRIFT_WINDOW_ROWS


class ServiceMetrics:
    def __init__(self) -> None:
        # A registry per service instance, so several apps can live in one process (tests).
        self.registry = CollectorRegistry()
        self.predictions = Counter("predictions", "Rows predicted", registry=self.registry)
        self.latency = Histogram(
            "prediction_latency_seconds",
            "Latency of /predict requests",
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
            registry=self.registry,
        )
        self.rejected = Counter(
            "prediction_requests_rejected", "Invalid /predict requests", registry=self.registry
        )

    def record(self, rows: int, seconds: float) -> None:
        self.predictions.inc(rows)
        self.latency.observe(seconds)


class DriftMonitor:
    """Live inputs since the last reset (the most recent 1,000 rows) against the reference sample."""

    def __init__(self, reference: list[dict[str, Any]], kinds: dict[str, str]) -> None:
        self.reference = reference
        self.kinds = kinds
        self.window: deque[dict[str, Any]] = deque(maxlen=DRIFT_WINDOW_ROWS)

    def observe(self, rows: list[dict[str, Any]]) -> None:
        self.window.extend(rows)

    def reset(self) -> None:
        self.window.clear()

    def report(self) -> dict[str, Any]:
        current = list(self.window)
        if len(current) < DRIFT_MIN_ROWS:
            features = {
                name: drift.FeatureDrift(
                    kind,
                    "ks" if kind == "numeric" else "chi2",
                    None,
                    None,  # type: ignore[arg-type]
                    drift.P_THRESHOLD,
                    False,
                )
                for name, kind in self.kinds.items()
            }
        else:
            features = drift.report(self.reference, current, self.kinds)
        dataset, share = drift.dataset_drift(features)
        return {
            "window_size": len(current),
            "reference_size": len(self.reference),
            "dataset_drift": dataset if len(current) >= DRIFT_MIN_ROWS else False,
            "drift_share": share,
            "features": {name: result.as_dict() for name, result in features.items()},
        }
