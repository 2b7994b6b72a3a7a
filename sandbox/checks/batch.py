"""Batch requests work and give the same answers as single requests, in the same order."""

from __future__ import annotations

from sandbox.checks.agreement import disagreement
from sandbox.checks.base import Check, Evidence, Outcome, ProbeContext, register
from sandbox.checks.predictions import read_batch, read_single
from sandbox.tasks.base import Prediction


@register
class BatchCheck(Check):
    id = "batch"
    title = "Batch predictions"
    description = (
        'A batch of held-out rows ({"instances": [...]}) and a batch of one are answered in order, and '
        "each answer equals the single-request answer for the same row."
    )
    hint = "Predict the whole batch with one call to the pipeline and keep the input order."

    async def run(self, ctx: ProbeContext) -> Outcome:
        task, client = ctx.task, ctx.client
        # Rows from the far end of the held-out set so this check does not reuse the agreement sample.
        rows = task.heldout_rows(ctx.options.heldout_rows + ctx.options.batch_rows)[-ctx.options.batch_rows :]
        evidence = Evidence()
        batch = await client.post(task.endpoints.predict, {"instances": rows})
        answers = read_batch(batch, len(rows))
        evidence.add(
            batch, ok=not isinstance(answers, str), note=answers if isinstance(answers, str) else None
        )
        one = await client.post(task.endpoints.predict, {"instances": rows[:1]})
        single_batch = read_batch(one, 1)
        evidence.add(one, ok=not isinstance(single_batch, str), note="a batch of one")
        if isinstance(answers, str):
            return Outcome.graded(0, f"the batch request failed: {answers}", evidence=evidence.items())
        compared, agreed, problems = 0, 0, []
        for index, (row, answer) in enumerate(zip(rows, answers, strict=True)):
            response = await client.post(task.endpoints.predict, row)
            single = read_single(response)
            compared += 1
            if isinstance(single, str):
                problems.append(f"row {index}: the single request failed ({single})")
                evidence.add(response, ok=False, note=problems[-1])
                continue
            problem = disagreement(
                answer, Prediction(single.label, single.probability), task.probability_tolerance
            )
            if problem:
                problems.append(f"row {index}: batch {problem} from the single request")
                evidence.add(response, ok=False, note=problems[-1])
            else:
                agreed += 1
        fraction = agreed / compared * (1.0 if not isinstance(single_batch, str) else 0.9)
        summary = f"{agreed} of {compared} batch answers equal the single answers"
        if isinstance(single_batch, str):
            summary += f"; a batch of one failed: {single_batch}"
        return Outcome.graded(
            fraction,
            summary,
            partial_from=0.9,
            evidence=evidence.items(),
            details={"batch_rows": len(rows), "agreed": agreed, "first_problems": problems[:5]},
        )
