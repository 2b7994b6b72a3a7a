"""Reading the candidate's prediction responses, shared by several checks."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sandbox.probe_client import ProbeClient, ProbeResponse


@dataclass(frozen=True)
class Answer:
    label: int
    probability: float
    model_version: Any


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def read_single(response: ProbeResponse) -> Answer | str:
    """The prediction in a single-row response, or what is wrong with the response."""
    if not response.ok:
        return response.exchange.error or f"status {response.status}"
    body = response.json()
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    label, probability = body.get("prediction"), body.get("probability")
    if not _is_number(label) or not _is_number(probability):
        return "prediction and probability must be numbers"
    return Answer(int(label), float(probability), body.get("model_version"))


def read_batch(response: ProbeResponse, expected_rows: int) -> list[Answer] | str:
    if not response.ok:
        return response.exchange.error or f"status {response.status}"
    body = response.json()
    items = body.get("predictions") if isinstance(body, dict) else None
    if not isinstance(items, list) or len(items) != expected_rows:
        return f"expected 'predictions' with {expected_rows} items"
    answers = []
    for item in items:
        if (
            not isinstance(item, dict)
            or not _is_number(item.get("prediction"))
            or not _is_number(item.get("probability"))
        ):
            return "every prediction needs numeric 'prediction' and 'probability'"
        answers.append(Answer(int(item["prediction"]), float(item["probability"]), body.get("model_version")))
    return answers


async def predict_each(
    client: ProbeClient, path: str, rows: Sequence[dict[str, Any]], concurrency: int = 1
) -> list[ProbeResponse]:
    """One single-row request per row, at most `concurrency` in flight; results in row order."""
    gate = asyncio.Semaphore(concurrency)

    async def one(row: dict[str, Any]) -> ProbeResponse:
        async with gate:
            return await client.post(path, row)

    return list(await asyncio.gather(*(one(row) for row in rows)))
