"""The reference service's state: the verified model, its version, readiness, metrics and drift."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sandbox.tasks.churn_deploy.model import load_model
from sandbox.tasks.churn_deploy.reference_service.monitoring import DriftMonitor, ServiceMetrics
from sandbox.tasks.churn_deploy.reference_service.schemas import Customer

NUMERIC = ("tenure_months", "monthly_charges", "total_charges", "support_calls")


class ChurnService:
    def __init__(self, model: Any, model_version: str, reference: list[dict[str, Any]]) -> None:
        self.model = model
        self.model_version = model_version
        self.columns = list(Customer.model_fields)
        kinds = {c: ("numeric" if c in NUMERIC else "categorical") for c in self.columns}
        self.drift = DriftMonitor(reference, kinds)
        self.metrics = ServiceMetrics()
        self.draining = False

    @classmethod
    def from_kit(cls, kit: Path) -> ChurnService:
        card = json.loads((kit / "model" / "model.json").read_text())
        data = (kit / card["file"]).read_bytes()
        if hashlib.sha256(data).hexdigest() != card["sha256"]:
            raise RuntimeError("the model file does not match its published sha256; refusing to serve it")
        with (kit / "data" / "reference.csv").open(newline="") as handle:
            reference = [
                {k: (float(v) if k in NUMERIC else v) for k, v in row.items() if k in Customer.model_fields}
                for row in csv.DictReader(handle)
            ]
        return cls(load_model(data), card["model_version"], reference)

    def is_ready(self) -> bool:
        return self.model is not None and not self.draining

    def predict(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        frame = pd.DataFrame(rows, columns=self.columns)
        probabilities = self.model.predict_proba(frame)
        labels = self.model.classes_[np.argmax(probabilities, axis=1)]
        return [
            {"prediction": int(label), "probability": float(p[1])}
            for label, p in zip(labels, probabilities, strict=True)
        ]
