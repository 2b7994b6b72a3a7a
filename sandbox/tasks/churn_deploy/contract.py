"""The HTTP contract of the churn service, as an OpenAPI 3.1 document built from the feature list."""

from __future__ import annotations

from typing import Any

from sandbox.tasks.base import Feature

MAX_BATCH_ROWS = 1000
DRIFT_WINDOW_ROWS = 1000
DRIFT_MIN_ROWS = 30


def _feature_schema(f: Feature) -> dict[str, Any]:
    if f.kind == "categorical":
        return {"type": "string", "enum": list(f.categories)}
    schema: dict[str, Any] = {"type": f.dtype}
    if f.minimum is not None:
        schema["minimum"] = f.minimum
    if f.maximum is not None:
        schema["maximum"] = f.maximum
    return schema


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def schemas(features: tuple[Feature, ...], model_version: str) -> dict[str, Any]:
    version = {"type": "string", "minLength": 1, "description": f"for this kit: {model_version}"}
    probability = {"type": "number", "minimum": 0, "maximum": 1, "description": "P(churn)"}
    label = {"type": "integer", "enum": [0, 1], "description": "1 = the customer churns"}
    drift_feature = {
        "type": "object",
        "required": ["kind", "method", "statistic", "p_value", "threshold", "drifted"],
        "properties": {
            "kind": {"enum": ["numeric", "categorical"]},
            "method": {"enum": ["ks", "chi2", "wasserstein", "jensenshannon"]},
            "statistic": {"type": ["number", "null"]},
            "p_value": {"type": ["number", "null"], "description": "null for distance methods"},
            "threshold": {"type": "number"},
            "drifted": {"type": "boolean"},
        },
    }
    return {
        "Customer": {
            "type": "object",
            "additionalProperties": False,
            "required": [f.name for f in features],
            "properties": {f.name: _feature_schema(f) for f in features},
        },
        "BatchRequest": {
            "type": "object",
            "additionalProperties": False,
            "required": ["instances"],
            "properties": {
                "instances": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": MAX_BATCH_ROWS,
                    "items": ref("Customer"),
                }
            },
        },
        "Prediction": {
            "type": "object",
            "required": ["prediction", "probability", "model_version"],
            "properties": {"prediction": label, "probability": probability, "model_version": version},
        },
        "BatchPrediction": {
            "type": "object",
            "required": ["predictions", "model_version"],
            "properties": {
                "predictions": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["prediction", "probability"],
                        "properties": {"prediction": label, "probability": probability},
                    },
                },
                "model_version": version,
            },
        },
        "Health": {"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}},
        "Ready": {
            "type": "object",
            "required": ["status", "model_version"],
            "properties": {"status": {"const": "ready"}, "model_version": version},
        },
        "NotReady": {
            "type": "object",
            "required": ["status"],
            "properties": {"status": {"enum": ["loading", "draining"]}},
        },
        "Drain": {
            "type": "object",
            "required": ["draining"],
            "properties": {"draining": {"type": "boolean"}},
        },
        "DriftReport": {
            "type": "object",
            "required": [
                "model_version",
                "window_size",
                "reference_size",
                "dataset_drift",
                "drift_share",
                "features",
            ],
            "properties": {
                "model_version": version,
                "window_size": {"type": "integer", "minimum": 0, "maximum": DRIFT_WINDOW_ROWS},
                "reference_size": {"type": "integer", "minimum": 1},
                "dataset_drift": {"type": "boolean"},
                "drift_share": {"type": "number", "minimum": 0, "maximum": 1},
                "features": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": [f.name for f in features],
                    "properties": {f.name: drift_feature for f in features},
                },
            },
        },
        "DriftReset": {
            "type": "object",
            "required": ["window_size"],
            "properties": {"window_size": {"const": 0}},
        },
        "Error": {
            "type": "object",
            "required": ["detail"],
            "properties": {"detail": {"description": "what is wrong with the request, for a person to read"}},
        },
    }
