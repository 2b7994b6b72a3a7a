"""Bad input gets a 4xx with a clear message, never a 5xx, a hang or a crash."""

from __future__ import annotations

import json
from typing import Any

from sandbox.checks.base import Check, Evidence, Outcome, ProbeContext, register
from sandbox.probe_client import ProbeResponse
from sandbox.report import CheckVerdict
from sandbox.tasks.base import Task

_MESSAGE_KEYS = ("detail", "message", "error", "title", "errors")


def _raw(row: dict[str, Any], field: str, literal: str) -> str:
    # JSON has no NaN or Infinity; many parsers (Python's included) still accept these literals.
    return json.dumps({**row, field: "__RAW__"}).replace('"__RAW__"', literal)


def bad_payloads(task: Task) -> list[tuple[str, str]]:
    """(what is wrong, raw request body) pairs, derived from the task's features."""
    row = task.valid_row()
    numeric = next(f for f in task.features if f.kind == "numeric")
    categorical = next(f for f in task.features if f.kind == "categorical")
    valid = json.dumps(row)
    cases = [
        ("missing field", json.dumps({k: v for k, v in row.items() if k != numeric.name})),
        ("wrong type (string for a number)", json.dumps({**row, numeric.name: "twelve"})),
        ("null value", json.dumps({**row, numeric.name: None})),
        ("NaN", _raw(row, numeric.name, "NaN")),
        ("Infinity", _raw(row, numeric.name, "Infinity")),
        ("unknown category", json.dumps({**row, categorical.name: "no-such-category"})),
        ("wrong type (number for a category)", json.dumps({**row, categorical.name: 3})),
        ("extra field", json.dumps({**row, "customer_id": "C-0001"})),
        ("empty batch", json.dumps({"instances": []})),
        ("oversized batch", json.dumps({"instances": [row] * (task.max_batch_rows + 1)})),
        ("one bad row in a batch", json.dumps({"instances": [row, {**row, categorical.name: "no-such"}]})),
        ("not JSON", valid[: len(valid) // 2] + " this is not JSON"),
        ("a JSON array instead of an object", json.dumps([row])),
        ("empty body", ""),
    ]
    if numeric.minimum is not None:
        cases.append(("number below its minimum", json.dumps({**row, numeric.name: numeric.minimum - 1})))
    return cases


def has_message(response: ProbeResponse) -> bool:
    body = response.json()
    if isinstance(body, dict):
        return any(body.get(key) not in (None, "", [], {}) for key in _MESSAGE_KEYS)
    return bool(response.text.strip()) and body is None


@register
class ValidationCheck(Check):
    id = "validation"
    title = "Input validation"
    description = (
        "Missing, mistyped, null and extra fields, NaN and Infinity (as raw JSON literals), numbers out of "
        "range, unknown categories, empty, oversized and partly bad batches, non-JSON bodies and an empty "
        "body each get a 4xx with a readable message; none gets a 5xx or hangs, and the service still "
        "answers afterwards."
    )
    hint = (
        "Validate before the model sees anything: a schema with required fields, finite numbers, ranges "
        "and the category lists from openapi.json, no extra fields, and a batch-size limit. Return 422 "
        "with a 'detail' message; never let an exception become a 500."
    )

    async def run(self, ctx: ProbeContext) -> Outcome:
        ep, client = ctx.task.endpoints, ctx.client
        evidence, results = Evidence(), {}
        fatal = []
        for name, body in bad_payloads(ctx.task):
            response = await client.request(
                "POST", ep.predict, content=body, headers={"content-type": "application/json"}
            )
            status = response.status
            if status is None or status >= 500:
                results[name] = 0.0
                fatal.append(f"{name}: {response.exchange.error or f'status {status}'}")
            elif 400 <= status < 500:
                results[name] = 1.0 if has_message(response) else 0.5
            else:
                results[name] = 0.0
            evidence.add(response, ok=results[name] == 1.0, note=f"{name}: status {status}")
        after = await client.post(ep.predict, ctx.task.valid_row())
        alive = after.ok
        evidence.add(after, ok=alive, note="a valid request after the bad ones")
        fraction = sum(results.values()) / len(results)
        rejected = sum(v > 0 for v in results.values())
        summary = f"{rejected} of {len(results)} bad requests got a 4xx"
        if fatal:
            summary += f"; {len(fatal)} got a 5xx or no answer ({'; '.join(fatal[:3])})"
        if not alive:
            summary += "; the service did not answer a valid request afterwards"
        details = {"cases": results, "still_answering": alive}
        if fatal or not alive:
            return Outcome(CheckVerdict.failed, round(fraction * 0.5, 4), summary, evidence.items(), details)
        return Outcome.graded(fraction, summary, partial_from=0.5, evidence=evidence.items(), details=details)
