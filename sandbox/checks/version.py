"""The model version is reported in every response that should carry it, and it does not change."""

from __future__ import annotations

from sandbox.checks.base import Check, Evidence, Outcome, ProbeContext, register

SINGLE_REQUESTS = 5


@register
class VersionCheck(Check):
    id = "version"
    title = "Model version"
    description = (
        "Every /predict response (single and batch), /readyz and /drift report model_version; it is the "
        "same everywhere and equals the version published in model/model.json."
    )
    hint = "Read model_version from model/model.json at start-up and return it in every response."

    async def run(self, ctx: ProbeContext) -> Outcome:
        ep, client, task = ctx.task.endpoints, ctx.client, ctx.task
        rows = task.heldout_rows(SINGLE_REQUESTS)
        responses = [await client.post(ep.predict, row) for row in rows]
        responses.append(await client.post(ep.predict, {"instances": rows[:2]}))
        responses.append(await client.get(ep.readyz))
        responses.append(await client.get(ep.drift))
        evidence, seen, missing = Evidence(), [], 0
        for response in responses:
            body = response.json()
            version = body.get("model_version") if isinstance(body, dict) and response.ok else None
            if not isinstance(version, str) or not version:
                missing += 1
                evidence.add(response, ok=False, note="no model_version in this response")
            else:
                seen.append(version)
                evidence.add(response, ok=version == task.model_version, note=f"model_version {version!r}")
        distinct = sorted(set(seen))
        details = {"expected": task.model_version, "reported": distinct, "responses_without_version": missing}
        if not seen:
            return Outcome.graded(
                0, "no response reports a model version", evidence=evidence.items(), details=details
            )
        if missing or len(distinct) > 1:
            fraction = (len(responses) - missing) / len(responses) * (1 if len(distinct) == 1 else 0.5)
            summary = f"{missing} responses lack model_version; versions seen: {distinct}"
            return Outcome.graded(
                min(fraction, 0.6), summary, partial_from=0.5, evidence=evidence.items(), details=details
            )
        if distinct[0] != task.model_version:
            return Outcome.graded(
                0.5,
                f"stable, but {distinct[0]!r} is not the published {task.model_version!r}",
                partial_from=0.5,
                evidence=evidence.items(),
                details=details,
            )
        return Outcome.graded(
            1, f"every response reports {task.model_version!r}", evidence=evidence.items(), details=details
        )
