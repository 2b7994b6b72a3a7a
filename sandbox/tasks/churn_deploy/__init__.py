"""`churn-deploy`: deploy the provided churn model as a monitored HTTP service."""

from __future__ import annotations

import json
import sys
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import sklearn
import skops

from sandbox import drift
from sandbox.tasks.base import CheckPlan, Prediction, Task
from sandbox.tasks.churn_deploy import data, model
from sandbox.tasks.churn_deploy.contract import MAX_BATCH_ROWS
from sandbox.tasks.churn_deploy.openapi import openapi
from sandbox.tasks.churn_deploy.task_doc import render_task_md

HERE = Path(__file__).parent
REFERENCE_ROWS = 1000
MODEL_PATH = "model/churn_model.skops"
REFERENCE_PATH = "data/reference.csv"
WINDOW_SEED_ATTEMPTS = 200
HELDOUT_POOL_ROWS = 6000  # held-out rows are prefixes of one pool, so checks can take disjoint slices
# What data.SHIFTED moves: monthly charges (and so total charges), support calls, contract, payment.
SHIFTED_FEATURES = frozenset(
    {"monthly_charges", "total_charges", "support_calls", "contract", "payment_method"}
)

CHECKS = (
    CheckPlan("health", 10),
    CheckPlan("contract", 10),
    CheckPlan("version", 5),
    CheckPlan("agreement", 20),
    CheckPlan("batch", 10),
    CheckPlan("validation", 15),
    CheckPlan("metrics", 10),
    CheckPlan("drift", 10),
    CheckPlan("latency", 10),
)


class ChurnDeployTask(Task):
    id = "churn-deploy"
    title = "Deploy and monitor a customer-churn model"
    summary = (
        "Serve the provided churn model over HTTP with validation, batches, health and readiness, "
        "Prometheus metrics and a drift report, then keep it fast under load."
    )
    features = data.FEATURES
    max_batch_rows = MAX_BATCH_ROWS

    def __init__(self) -> None:
        self._windows: dict[int, list[tuple[str, list[dict[str, Any]]]]] = {}

    @cached_property
    def model_version(self) -> str:
        return f"churn-1.0.0+{model.model_sha256()[:12]}"

    @cached_property
    def _drift_reference(self) -> list[dict[str, Any]]:
        return data.to_rows(self.reference_frame)

    @cached_property
    def reference_frame(self) -> pd.DataFrame:
        train = data.generate(model.TRAIN_ROWS, data.TRAIN_SEED)
        return train.sample(REFERENCE_ROWS, random_state=data.REFERENCE_SEED).reset_index(drop=True)

    def contract(self) -> dict[str, Any]:
        return openapi(self.features, self.model_version)

    def check_plan(self) -> tuple[CheckPlan, ...]:
        return CHECKS

    @cached_property
    def _heldout_pool(self) -> list[dict[str, Any]]:
        return data.to_rows(data.generate(HELDOUT_POOL_ROWS, data.HELDOUT_SEED))

    def heldout_rows(self, n: int) -> list[dict[str, Any]]:
        if n > HELDOUT_POOL_ROWS:
            raise ValueError(f"at most {HELDOUT_POOL_ROWS} held-out rows")
        return self._heldout_pool[:n]

    def reference_predictions(self, rows: list[dict[str, Any]]) -> list[Prediction]:
        frame = pd.DataFrame(rows, columns=[f.name for f in self.features])
        pipeline = model.reference_model()
        probabilities = pipeline.predict_proba(frame)[:, 1]
        labels = pipeline.predict(frame)
        return [Prediction(int(y), float(p)) for y, p in zip(labels, probabilities, strict=True)]

    def drift_reference(self) -> list[dict[str, Any]]:
        return self._drift_reference

    def drift_windows(self, n: int) -> list[tuple[str, list[dict[str, Any]]]]:
        if n not in self._windows:
            self._windows[n] = self._build_windows(n)
        return self._windows[n]

    def _build_windows(self, n: int) -> list[tuple[str, list[dict[str, Any]]]]:
        return [
            ("in-distribution", self._clean_window(n, data.BASELINE, frozenset())),
            ("shifted", self._clean_window(n, data.SHIFTED, SHIFTED_FEATURES)),
        ]

    def _clean_window(
        self, n: int, population: data.Population, shifted: frozenset[str]
    ) -> list[dict[str, Any]]:
        """The first seeded window whose every feature is clearly drifted or clearly not, as intended.

        A typical window still trips a 5% test now and then; choosing the seed (deterministically)
        keeps such chance alarms out of the grading without weakening the test itself.
        """
        kinds = {f.name: f.kind for f in self.features}
        reference = self.drift_reference()
        for attempt in range(WINDOW_SEED_ATTEMPTS):
            rows = data.to_rows(data.generate(n, data.DRIFT_SEED + 7919 * attempt, population))
            verdicts = drift.report(reference, rows, kinds)
            if all(drift.is_clear(v) and v.drifted == (k in shifted) for k, v in verdicts.items()):
                return rows
        return rows

    def reference_service_argv(self, kit_dir: Path) -> list[str]:
        module = "sandbox.tasks.churn_deploy.reference_service"
        return [sys.executable, "-m", module, "--kit", str(kit_dir), "--uds", "{socket}"]

    def model_card(self) -> dict[str, Any]:
        return {
            "model_version": self.model_version,
            "file": MODEL_PATH,
            "sha256": model.model_sha256(),
            "format": "skops",
            "features": [{"name": f.name, "kind": f.kind, "type": f.dtype} for f in self.features],
            "target": {"name": data.TARGET, "positive_label": 1},
            "decision_threshold": 0.5,
            "trained_with": {"scikit-learn": sklearn.__version__, "skops": skops.__version__},
        }

    def kit_files(self) -> dict[str, bytes]:
        starter = HERE / "starter"
        files = {
            MODEL_PATH: model.model_bytes(),
            f"{MODEL_PATH}.sha256": f"{model.model_sha256()}  churn_model.skops\n".encode(),
            "model/model.json": _dump_json(self.model_card()),
            REFERENCE_PATH: self.reference_frame.to_csv(index=False, lineterminator="\n").encode(),
            "openapi.json": _dump_json(self.contract()),
            "TASK.md": render_task_md(self).encode(),
        }
        for path in sorted(starter.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                files[path.relative_to(starter).as_posix()] = path.read_bytes()
        return files


def _dump_json(value: Any) -> bytes:
    return (json.dumps(value, indent=2, sort_keys=False) + "\n").encode()
