"""/metrics parses, counts exactly the rows the prober had predicted, and has a latency histogram."""

from __future__ import annotations

from sandbox.checks.base import Check, Evidence, Outcome, ProbeContext, register
from sandbox.checks.predictions import read_batch, read_single
from sandbox.metrics_parse import MetricsParseError, histogram, parse, sample_total

SINGLES = 3
BATCH = 4


@register
class MetricsCheck(Check):
    id = "metrics"
    title = "Prometheus metrics"
    description = (
        "/metrics is Prometheus text that parses; the prediction counter (predictions_total, rows "
        "predicted) rises by exactly the rows the prober had predicted between two scrapes; the latency "
        "histogram (prediction_latency_seconds) exists."
    )
    hint = (
        "Use prometheus_client: a Counter incremented by the number of rows of each successful /predict "
        "call (a batch of 4 counts 4) and a Histogram observed once per /predict request."
    )

    async def run(self, ctx: ProbeContext) -> Outcome:
        task, client, names = ctx.task, ctx.client, ctx.task.metric_names
        evidence = Evidence()
        before = await client.get(task.endpoints.metrics)
        rows = task.heldout_rows(SINGLES + BATCH)
        predicted = 0
        for row in rows[:SINGLES]:
            if not isinstance(read_single(await client.post(task.endpoints.predict, row)), str):
                predicted += 1
        batch = read_batch(await client.post(task.endpoints.predict, {"instances": rows[SINGLES:]}), BATCH)
        predicted += 0 if isinstance(batch, str) else BATCH
        after = await client.get(task.endpoints.metrics)
        try:
            if not before.ok or not after.ok:
                raise MetricsParseError(f"GET /metrics answered {after.status or after.exchange.error}")
            families_before, families_after = parse(before.text), parse(after.text)
        except MetricsParseError as exc:
            evidence.add(after, ok=False, note=str(exc))
            return Outcome.graded(0, str(exc), evidence=evidence.items())
        counted_before = sample_total(families_before, names.prediction_counter)
        counted_after = sample_total(families_after, names.prediction_counter)
        hist = histogram(families_after, names.latency_histogram)
        details = {
            "rows_predicted": predicted,
            "counter_before": counted_before,
            "counter_after": counted_after,
            "histogram": hist is not None,
        }
        problems = []
        if counted_after is None or counted_before is None:
            problems.append(f"no {names.prediction_counter} counter")
        elif counted_after - counted_before != predicted:
            problems.append(
                f"{names.prediction_counter} rose by {counted_after - counted_before:g}, "
                f"but the prober had {predicted} rows predicted"
            )
        if hist is None:
            problems.append(f"no histogram named {names.latency_histogram}")
        evidence.add(after, ok=not problems, note="; ".join(problems) or "counts and histogram as expected")
        if not problems:
            return Outcome.graded(
                1,
                f"the counter rose by exactly {predicted}; the histogram exists",
                evidence=evidence.items(),
                details=details,
            )
        # The counter is the point of this check; a histogram alone is worth little.
        fraction = 0.5 if len(problems) == 1 and hist is None else (0.25 if hist is not None else 0.0)
        return Outcome.graded(
            fraction, "; ".join(problems), partial_from=0.5, evidence=evidence.items(), details=details
        )
