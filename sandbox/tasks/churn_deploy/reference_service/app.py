"""The reference implementation of the churn service: what a complete, careful solution looks like."""

from __future__ import annotations

import time

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from sandbox.tasks.churn_deploy.reference_service.schemas import InvalidInput, parse_payload
from sandbox.tasks.churn_deploy.reference_service.service import ChurnService


def create_app(service: ChurnService) -> FastAPI:
    app = FastAPI(title="Churn prediction service (reference)", docs_url=None, redoc_url=None)
    app.state.service = service

    @app.exception_handler(InvalidInput)
    async def invalid_input(request: Request, exc: InvalidInput) -> JSONResponse:
        service.metrics.rejected.inc()
        return JSONResponse({"detail": exc.detail}, status_code=exc.status)

    @app.post("/predict")
    async def predict(request: Request):  # noqa: ANN201  (a dict, or a 503 response)
        started = time.perf_counter()
        if not service.is_ready() and not service.draining:
            return JSONResponse({"detail": "the model is not loaded yet"}, status_code=503)
        rows, is_batch = parse_payload(await request.body())
        predictions = service.predict(rows)
        service.drift.observe(rows)
        service.metrics.record(len(rows), time.perf_counter() - started)
        if is_batch:
            return {"predictions": predictions, "model_version": service.model_version}
        return {**predictions[0], "model_version": service.model_version}

    @app.get("/healthz")
    async def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        if service.is_ready():
            return JSONResponse({"status": "ready", "model_version": service.model_version})
        status = "draining" if service.draining else "loading"
        return JSONResponse({"status": status}, status_code=503)

    @app.post("/admin/drain")
    async def drain() -> dict:
        service.draining = True
        return {"draining": True}

    @app.post("/admin/resume")
    async def resume() -> dict:
        service.draining = False
        return {"draining": False}

    @app.get("/metrics")
    async def metrics() -> Response:
        return Response(generate_latest(service.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/drift")
    async def drift_report() -> dict:
        return {"model_version": service.model_version, **service.drift.report()}

    @app.post("/drift/reset")
    async def drift_reset() -> dict:
        service.drift.reset()
        return {"window_size": 0}

    return app
