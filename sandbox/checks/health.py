"""Liveness and readiness mean what they say, including while the instance is drained."""

from __future__ import annotations

from sandbox.checks.base import Check, Evidence, Outcome, ProbeContext, register
from sandbox.probe_client import ProbeResponse


@register
class HealthCheck(Check):
    id = "health"
    title = "Health and readiness"
    description = (
        "/healthz answers 200 while the process is up; /readyz answers 200 only when the model is loaded "
        "and the instance takes traffic, and 503 after POST /admin/drain (while /healthz stays 200), "
        "then 200 again after POST /admin/resume; a prediction succeeds as soon as /readyz says ready."
    )
    hint = (
        "Liveness tells the orchestrator whether to restart you; readiness whether to send you traffic. "
        "Keep them separate: a draining instance is alive but not ready."
    )

    async def run(self, ctx: ProbeContext) -> Outcome:
        ep, client = ctx.task.endpoints, ctx.client
        evidence = Evidence()
        steps: list[tuple[str, bool]] = []

        def step(name: str, response: ProbeResponse, ok: bool) -> None:
            steps.append((name, ok))
            evidence.add(response, ok=ok, note=name)

        live = await client.get(ep.healthz)
        step("healthz answers 200", live, live.status == 200)
        ready = await client.get(ep.readyz)
        step("readyz answers 200 when serving", ready, ready.status == 200)
        predicted = await client.post(ep.predict, ctx.task.valid_row())
        step("a prediction succeeds once ready", predicted, predicted.ok)
        try:
            drained = await client.post(ep.drain)
            step("POST /admin/drain accepted", drained, drained.ok)
            while_drained = await client.get(ep.readyz)
            step("readyz answers 503 while draining", while_drained, while_drained.status == 503)
            live_drained = await client.get(ep.healthz)
            step("healthz stays 200 while draining", live_drained, live_drained.status == 200)
        finally:
            resumed = await client.post(ep.resume)
        step("POST /admin/resume accepted", resumed, resumed.ok)
        again = await client.get(ep.readyz)
        step("readyz answers 200 after resume", again, again.status == 200)

        failed = [name for name, ok in steps if not ok]
        fraction = sum(ok for _, ok in steps) / len(steps)
        summary = "liveness and readiness behave" if not failed else "not as specified: " + "; ".join(failed)
        # Readiness that says "ready" when it is not is the failure this check exists for: no partial.
        return Outcome.graded(
            fraction, summary, partial_from=1.0, evidence=evidence.items(), details={"steps": dict(steps)}
        )
