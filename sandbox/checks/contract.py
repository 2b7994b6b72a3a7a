"""Responses match the JSON schemas of the task's OpenAPI contract."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from sandbox.checks.base import Check, Evidence, Outcome, ProbeContext, register


def schema_errors(contract: dict[str, Any], name: str, instance: Any) -> list[str]:
    schema = {"$ref": f"#/components/schemas/{name}", "components": contract["components"]}
    validator = Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"[:300] for e in errors[:5]]


@register
class ContractCheck(Check):
    id = "contract"
    title = "Contract"
    description = (
        "Single and batch predictions, /healthz, /readyz and /drift match the schemas in openapi.json "
        "(error bodies are graded by the validation check)."
    )
    hint = "Compare your responses field by field with openapi.json (components/schemas)."

    async def run(self, ctx: ProbeContext) -> Outcome:
        ep, client, task = ctx.task.endpoints, ctx.client, ctx.task
        rows = task.heldout_rows(2)
        cases = [
            ("Prediction", 200, await client.post(ep.predict, rows[0])),
            ("BatchPrediction", 200, await client.post(ep.predict, {"instances": rows})),
            ("Health", 200, await client.get(ep.healthz)),
            ("Ready", 200, await client.get(ep.readyz)),
            ("DriftReport", 200, await client.get(ep.drift)),
        ]
        contract = task.contract()
        evidence, problems = Evidence(), {}
        for name, status, response in cases:
            if response.status != status:
                found = response.exchange.error or f"status {response.status}"
                errors = [f"expected status {status}, got {found}"]
            elif (body := response.json()) is None:
                errors = ["the body is not JSON"]
            else:
                errors = schema_errors(contract, name, body)
            if errors:
                problems[name] = errors
            evidence.add(response, ok=not errors, note=f"{name}: " + ("; ".join(errors) or "matches"))
        fraction = 1 - len(problems) / len(cases)
        summary = (
            f"all {len(cases)} responses match the contract"
            if not problems
            else f"{len(problems)} of {len(cases)} responses do not match: {', '.join(problems)}"
        )
        return Outcome.graded(
            fraction, summary, partial_from=0.5, evidence=evidence.items(), details={"problems": problems}
        )
