"""Paths of the churn service's OpenAPI document; the schemas live in `contract.py`."""

from __future__ import annotations

from typing import Any

from sandbox.tasks.base import Feature
from sandbox.tasks.churn_deploy.contract import MAX_BATCH_ROWS, json_body, ref, schemas

_ERRORS = {
    "400": json_body(ref("Error"), "The body is not JSON."),
    "413": json_body(
        ref("Error"), f"More than {MAX_BATCH_ROWS} instances in one batch (422 is also accepted)."
    ),
    "422": json_body(
        ref("Error"),
        "Invalid input: a missing, extra or mistyped field, NaN or Infinity, a number out of range, "
        "an unknown category, or an empty batch.",
    ),
}


def openapi(features: tuple[Feature, ...], model_version: str) -> dict[str, Any]:
    text = {"content": {"text/plain": {"schema": {"type": "string"}}}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Churn prediction service",
            "version": "1.0.0",
            "description": (
                "The service the candidate builds around the provided churn model. Every response "
                f"of /predict, /readyz and /drift reports model_version (for this kit: {model_version})."
            ),
        },
        "paths": {
            "/predict": {
                "post": {
                    "summary": "Predict churn for one customer (a Customer) or a batch ({instances: [...]})",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"oneOf": [ref("Customer"), ref("BatchRequest")]}}
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "Prediction, or BatchPrediction (input order).",
                            "content": {
                                "application/json": {
                                    "schema": {"oneOf": [ref("Prediction"), ref("BatchPrediction")]}
                                }
                            },
                        },
                        **_ERRORS,
                    },
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Liveness: the process is up and answering",
                    "responses": {"200": json_body(ref("Health"), "Alive.")},
                }
            },
            "/readyz": {
                "get": {
                    "summary": "Readiness: the model is loaded and the instance takes traffic",
                    "responses": {
                        "200": json_body(ref("Ready"), "Ready to serve predictions."),
                        "503": json_body(ref("NotReady"), "Loading the model, or draining."),
                    },
                }
            },
            "/admin/drain": {
                "post": {
                    "summary": "Take the instance out of rotation: /readyz answers 503, /healthz stays 200",
                    "responses": {"200": json_body(ref("Drain"), "Draining.")},
                }
            },
            "/admin/resume": {
                "post": {
                    "summary": "Put the instance back into rotation: /readyz answers 200 again",
                    "responses": {"200": json_body(ref("Drain"), "Not draining.")},
                }
            },
            "/metrics": {
                "get": {
                    "summary": "Prometheus text exposition: predictions_total (counter of rows predicted) "
                    "and prediction_latency_seconds (histogram of /predict request latency)",
                    "responses": {"200": {"description": "Prometheus text format 0.0.4.", **text}},
                }
            },
            "/drift": {
                "get": {
                    "summary": "Drift of the current window of live inputs against data/reference.csv",
                    "responses": {"200": json_body(ref("DriftReport"), "The drift report.")},
                }
            },
            "/drift/reset": {
                "post": {
                    "summary": "Empty the drift window",
                    "responses": {"200": json_body(ref("DriftReset"), "The window is empty.")},
                }
            },
        },
        "components": {"schemas": schemas(features, model_version)},
    }
