"""Each flaw builds the reference app with exactly one production mistake; the key is the check it fails."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from sandbox.tasks.churn_deploy.reference_service import ChurnService, create_app
from sandbox.tasks.churn_deploy.reference_service.monitoring import DriftMonitor
from sandbox.tasks.churn_deploy.reference_service.schemas import InvalidInput


def reference(service: ChurnService) -> FastAPI:
    return create_app(service)


def error_500_on_bad_input(service: ChurnService) -> FastAPI:
    app = create_app(service)

    async def crash(request: Request, exc: InvalidInput) -> JSONResponse:
        return JSONResponse({"detail": "Internal Server Error"}, status_code=500)

    app.add_exception_handler(InvalidInput, crash)
    return app


class _SwappedColumns:
    """Hands the pipeline total_charges where it expects monthly_charges and vice versa."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.classes_ = model.classes_

    def predict_proba(self, frame: Any) -> Any:
        swapped = frame.rename(
            columns={"monthly_charges": "total_charges", "total_charges": "monthly_charges"}
        )
        return self.model.predict_proba(swapped[list(frame.columns)])


def wrong_preprocessing(service: ChurnService) -> FastAPI:
    service.model = _SwappedColumns(service.model)
    return create_app(service)


class _FixedDrift(DriftMonitor):
    verdict = False

    def report(self) -> dict[str, Any]:
        report = super().report()
        for feature in report["features"].values():
            feature["drifted"] = self.verdict
        report["dataset_drift"], report["drift_share"] = self.verdict, float(self.verdict)
        return report


class _NeverDrifts(_FixedDrift):
    verdict = False


class _AlwaysDrifts(_FixedDrift):
    verdict = True


def no_drift_detection(service: ChurnService) -> FastAPI:
    service.drift = _NeverDrifts(service.drift.reference, service.drift.kinds)
    return create_app(service)


def drift_always_fires(service: ChurnService) -> FastAPI:
    service.drift = _AlwaysDrifts(service.drift.reference, service.drift.kinds)
    return create_app(service)


def metrics_do_not_count(service: ChurnService) -> FastAPI:
    service.metrics.record = lambda rows, seconds: service.metrics.latency.observe(seconds)  # type: ignore[method-assign]
    return create_app(service)


def slow_responses(service: ChurnService) -> FastAPI:
    app = create_app(service)
    in_flight = 0

    @app.middleware("http")
    async def contended_blocking_call(request: Request, call_next: Callable) -> Any:
        # A blocking call behind a shared lock: free when alone, it stalls the event loop as soon as
        # requests overlap, which is exactly what load shows and one-at-a-time testing hides.
        nonlocal in_flight
        in_flight += 1
        try:
            if request.url.path == "/predict" and in_flight > 1:
                time.sleep(0.8)
            return await call_next(request)
        finally:
            in_flight -= 1

    return app


def batch_out_of_order(service: ChurnService) -> FastAPI:
    predict = service.predict
    # e.g. a batch split by category and concatenated back without restoring the input order
    service.predict = lambda rows: predict(rows)[::-1]  # type: ignore[method-assign]
    return create_app(service)


def readiness_lies(service: ChurnService) -> FastAPI:
    service.is_ready = lambda: True  # type: ignore[method-assign]
    return create_app(service)


# flaw name -> (app factory, the one check it must fail)
FLAWS: dict[str, tuple[Callable[[ChurnService], FastAPI], str | None]] = {
    "reference": (reference, None),
    "error_500_on_bad_input": (error_500_on_bad_input, "validation"),
    "wrong_preprocessing": (wrong_preprocessing, "agreement"),
    "no_drift_detection": (no_drift_detection, "drift"),
    "drift_always_fires": (drift_always_fires, "drift"),
    "metrics_do_not_count": (metrics_do_not_count, "metrics"),
    "slow_responses": (slow_responses, "latency"),
    "readiness_lies": (readiness_lies, "health"),
    "batch_out_of_order": (batch_out_of_order, "batch"),
}
