"""The drift report flags the features the prober shifted, and only those.

The platform computes its own verdict on exactly the rows it sent in each window, with the same
statistics, and grades only the features whose reference verdict is clear (far from the threshold).
"""

from __future__ import annotations

import math
from typing import Any

from sandbox import drift
from sandbox.checks.base import Check, CheckCannotRun, Evidence, Outcome, ProbeContext, register
from sandbox.checks.predictions import predict_each

CHUNK_ROWS = 50


async def _send_window(ctx: ProbeContext, rows: list[dict[str, Any]]) -> int:
    """Send the window in batches (single rows for a chunk whose batch fails); returns rows that failed."""
    failed = 0
    for start in range(0, len(rows), CHUNK_ROWS):
        chunk = rows[start : start + CHUNK_ROWS]
        if (await ctx.client.post(ctx.task.endpoints.predict, {"instances": chunk})).ok:
            continue
        responses = await predict_each(ctx.client, ctx.task.endpoints.predict, chunk, ctx.options.concurrency)
        failed += sum(not r.ok for r in responses)
    return failed


def expected_dataset_drift(reference: dict[str, drift.FeatureDrift]) -> bool | None:
    """The dataset verdict if the unclear features cannot change it, else None."""
    needed = math.ceil(len(reference) * drift.DATASET_DRIFT_SHARE)
    clear_yes = sum(r.drifted and drift.is_clear(r) for r in reference.values())
    unclear = sum(not drift.is_clear(r) for r in reference.values())
    if clear_yes >= needed:
        return True
    if clear_yes + unclear < needed:
        return False
    return None


@register
class DriftCheck(Check):
    id = "drift"
    title = "Drift detection"
    description = (
        "For each window the prober resets the drift window (POST /drift/reset), sends its rows (in batches "
        "of 50, or one by one if batches fail), and reads "
        "GET /drift: first in-distribution rows, then rows with some features shifted. Every feature whose "
        "platform verdict is clear, and dataset_drift, must match the platform's verdict on the same rows."
    )
    hint = (
        "Compare the window of live inputs since the last reset with data/reference.csv: K-S for numeric "
        "and chi-squared for categorical features at p < 0.05 (the reference has 1,000 rows; above 1,000 "
        "use normed Wasserstein / Jensen-Shannon at 0.1); dataset drift when at least half the features "
        "drift."
    )

    async def run(self, ctx: ProbeContext) -> Outcome:
        task, client = ctx.task, ctx.client
        kinds = {f.name: f.kind for f in task.features}
        reference_rows = task.drift_reference()
        evidence, decisions, windows = Evidence(), [], {}
        for name, rows in task.drift_windows(ctx.options.drift_window_rows):
            reset = await client.post(task.endpoints.drift_reset)
            evidence.add(reset, ok=reset.ok, note=f"{name}: reset the window")
            if not reset.ok:
                return Outcome.graded(
                    0,
                    "POST /drift/reset failed, so drift windows cannot be controlled",
                    evidence=evidence.items(),
                )
            failed = await _send_window(ctx, rows)
            if failed:
                raise CheckCannotRun(
                    f"{failed} of {len(rows)} predictions in the {name} window failed, "
                    "so the service's window differs from the rows the platform grades"
                )
            response = await client.get(task.endpoints.drift)
            got = response.json() if response.ok else None
            if not isinstance(got, dict) or not isinstance(got.get("features"), dict):
                evidence.add(response, ok=False, note=f"{name}: no drift report")
                decisions.append((f"{name}: a drift report", False))
                continue
            reference = drift.report(reference_rows, rows, kinds)
            window = self._grade_window(name, len(rows), got, reference, decisions)
            windows[name] = window
            evidence.add(
                response, ok=all(ok for _, ok in window["decisions"]), note=f"{name}: {window['summary']}"
            )
        await client.post(task.endpoints.drift_reset)
        correct = sum(ok for _, ok in decisions)
        wrong = [label for label, ok in decisions if not ok]
        summary = f"{correct} of {len(decisions)} drift decisions match the platform"
        if wrong:
            summary += ": wrong on " + "; ".join(wrong[:6])
        return Outcome.graded(
            correct / len(decisions),
            summary,
            partial_from=0.85,
            evidence=evidence.items(),
            details={"windows": windows},
        )

    @staticmethod
    def _grade_window(
        name: str,
        size: int,
        got: dict[str, Any],
        reference: dict[str, drift.FeatureDrift],
        decisions: list[tuple[str, bool]],
    ) -> dict[str, Any]:
        graded: list[tuple[str, bool]] = [
            (f"{name}: window_size {got.get('window_size')} == {size}", got.get("window_size") == size)
        ]
        skipped = []
        for feature, want in reference.items():
            if not drift.is_clear(want):
                skipped.append(feature)
                continue
            flag = (got["features"].get(feature) or {}).get("drifted")
            graded.append(
                (f"{name}: {feature} drifted={flag}, expected {want.drifted}", flag is want.drifted)
            )
        want_dataset = expected_dataset_drift(reference)
        if want_dataset is not None:
            flag = got.get("dataset_drift")
            graded.append((f"{name}: dataset_drift={flag}, expected {want_dataset}", flag is want_dataset))
        decisions.extend(graded)
        return {
            "expected": {k: v.as_dict() for k, v in reference.items()},
            "not_graded_borderline": skipped,
            "decisions": graded,
            "summary": f"{sum(ok for _, ok in graded)} of {len(graded)} decisions right",
        }
