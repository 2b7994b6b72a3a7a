"""Synthetic customer-churn data, generated from fixed seeds so every build is identical.

The generator is the single source of the task's data: the training set, the reference sample
shipped in the kit, the held-out rows only the platform sees, and the drift windows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sandbox.tasks.base import Feature

FEATURES: tuple[Feature, ...] = (
    Feature("tenure_months", "numeric", "integer", minimum=0, maximum=72),
    Feature("monthly_charges", "numeric", "number", minimum=0, maximum=500),
    Feature("total_charges", "numeric", "number", minimum=0, maximum=100_000),
    Feature("support_calls", "numeric", "integer", minimum=0, maximum=50),
    Feature("contract", "categorical", "string", categories=("month-to-month", "one-year", "two-year")),
    Feature(
        "payment_method",
        "categorical",
        "string",
        categories=("electronic-check", "mailed-check", "bank-transfer", "credit-card"),
    ),
    Feature("internet_service", "categorical", "string", categories=("dsl", "fiber", "none")),
)
TARGET = "churned"

TRAIN_SEED = 20_240_601
REFERENCE_SEED = 20_240_602
HELDOUT_SEED = 91_500_317
DRIFT_SEED = 73_100_529


@dataclass(frozen=True)
class Population:
    """Knobs of the customer population; a drift window changes some of them."""

    contract_p: tuple[float, ...] = (0.55, 0.25, 0.20)
    payment_p: tuple[float, ...] = (0.35, 0.20, 0.22, 0.23)
    internet_p: tuple[float, ...] = (0.35, 0.45, 0.20)
    charge_shift: float = 0.0
    extra_support_calls: float = 0.0


BASELINE = Population()
# Shifted on purpose: pricier plans, more support calls, more monthly contracts paid by e-check.
SHIFTED = Population(
    contract_p=(0.85, 0.10, 0.05),
    payment_p=(0.70, 0.10, 0.10, 0.10),
    charge_shift=30.0,
    extra_support_calls=2.5,
)


def generate(n: int, seed: int, population: Population = BASELINE) -> pd.DataFrame:
    """`n` customers with their churn label; same (n, seed, population) -> same frame."""
    rng = np.random.default_rng(seed)
    names = {f.name: f for f in FEATURES}
    contract = rng.choice(names["contract"].categories, size=n, p=population.contract_p)
    payment = rng.choice(names["payment_method"].categories, size=n, p=population.payment_p)
    internet = rng.choice(names["internet_service"].categories, size=n, p=population.internet_p)
    tenure = np.clip(np.round(rng.gamma(2.0, 12.0, size=n)), 0, 72).astype(int)
    base_charge = np.select([internet == "fiber", internet == "dsl"], [80.0, 50.0], default=20.0)
    monthly = np.round(np.clip(base_charge + population.charge_shift + rng.normal(0, 10, n), 18, 200), 2)
    total = np.round(tenure * monthly * rng.normal(1.0, 0.05, n).clip(0.8, 1.2), 2)
    calls_rate = 1.2 + 0.8 * (internet == "fiber") + population.extra_support_calls
    support = np.clip(rng.poisson(calls_rate), 0, 50).astype(int)
    logit = (
        -1.2
        + 1.3 * (contract == "month-to-month")
        - 0.9 * (contract == "two-year")
        - 0.045 * tenure
        + 0.025 * (monthly - 65)
        + 0.35 * support
        + 0.5 * (payment == "electronic-check")
        + rng.normal(0, 0.4, n)
    )
    churned = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return pd.DataFrame(
        {
            "tenure_months": tenure,
            "monthly_charges": monthly,
            "total_charges": total,
            "support_calls": support,
            "contract": contract,
            "payment_method": payment,
            "internet_service": internet,
            TARGET: churned,
        }
    )


def to_rows(frame: pd.DataFrame) -> list[dict]:
    """JSON-ready feature rows (plain Python numbers and strings, no label)."""
    rows = []
    for record in frame.drop(columns=[TARGET], errors="ignore").to_dict(orient="records"):
        row = {}
        for f in FEATURES:
            value = record[f.name]
            row[f.name] = (
                int(value) if f.dtype == "integer" else (float(value) if f.kind == "numeric" else str(value))
            )
        rows.append(row)
    return rows
