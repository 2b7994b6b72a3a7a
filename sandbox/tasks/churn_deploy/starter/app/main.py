"""Starter skeleton for the churn service. It runs, but it is far from done: see TASK.md.

Run locally:   python -m uvicorn app.main:app --port 8000
Self-check:    prodready probe http://127.0.0.1:8000 --task churn-deploy
"""

import json
from pathlib import Path

import pandas as pd
import skops.io as sio
from fastapi import FastAPI

KIT = Path(__file__).resolve().parent.parent
CARD = json.loads((KIT / "model" / "model.json").read_text())

# skops refuses types it does not know unless you trust them explicitly: look at what it reports
# and decide. TODO: verify the file against model/churn_model.skops.sha256 before loading it.
MODEL_FILE = KIT / CARD["file"]
model = sio.load(MODEL_FILE, trusted=sio.get_untrusted_types(file=MODEL_FILE))

app = FastAPI(title="Churn prediction service")


@app.get("/healthz")
def healthz() -> dict:
    return {"status": "ok"}


@app.post("/predict")
def predict(customer: dict) -> dict:
    # TODO: validate the input (see openapi.json), support batches, report model_version,
    # count predictions in /metrics and feed the drift window.
    frame = pd.DataFrame([customer])
    probability = float(model.predict_proba(frame)[0, 1])
    return {"prediction": int(model.predict(frame)[0]), "probability": probability}


# TODO: /readyz, /admin/drain, /admin/resume, /metrics, /drift, /drift/reset
