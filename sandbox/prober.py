"""Probe a running service with every check of its task and produce a `ProbeReport`.

The service is reached through `base_url` and, optionally, a transport chosen by the caller: a
Unix-socket transport for a sandboxed run, an SSRF-safe pinned transport for a candidate's URL.
"""

from __future__ import annotations

import time

import httpx

from sandbox.checks import CheckCannotRun, ProbeContext, get_check
from sandbox.options import ProbeOptions
from sandbox.probe_client import BudgetExhausted, ProbeClient
from sandbox.report import CheckResult, CheckVerdict, OverallVerdict, ProbeReport
from sandbox.tasks import get_task
from sandbox.tasks.base import CheckPlan

__all__ = ["ProbeOptions", "ProbeReport", "probe"]


async def _reachable(client: ProbeClient, path: str) -> str | None:
    """None when the service answers at all (any HTTP status), else why not."""
    try:
        response = await client.get(path)
    except BudgetExhausted:
        return None  # cannot tell; the checks already report the exhausted budget
    if response.status is None:
        return f"the service did not answer GET {path}: {response.exchange.error}"
    return None


async def _run_check(plan: CheckPlan, ctx: ProbeContext) -> CheckResult:
    check = get_check(plan.check_id)
    ctx.params = plan.params
    started = time.perf_counter()
    try:
        outcome = await check.run(ctx)
        verdict, score, summary = outcome.verdict, outcome.score, outcome.summary
        evidence, details = outcome.evidence, outcome.details
    except (CheckCannotRun, BudgetExhausted) as exc:
        verdict, score, summary, evidence, details = CheckVerdict.could_not_run, 0.0, str(exc), [], {}
    return CheckResult(
        id=check.id,
        title=check.title,
        weight=plan.weight,
        verdict=verdict,
        score=score,
        summary=summary,
        evidence=evidence,
        details=details,
        hint=None if verdict == CheckVerdict.passed else check.hint,
        seconds=round(time.perf_counter() - started, 3),
    )


async def _run_all(plans: list[CheckPlan], ctx: ProbeContext, report: ProbeReport) -> None:
    for index, plan in enumerate(plans):
        result = await _run_check(plan, ctx)
        report.checks.append(result)
        if (
            result.verdict == CheckVerdict.passed
            or await _reachable(ctx.client, ctx.task.endpoints.healthz) is None
        ):
            continue
        # The service died or hangs: the remaining checks cannot run, and the one that broke it failed.
        if result.verdict == CheckVerdict.could_not_run:
            result.verdict = CheckVerdict.failed
        result.summary += "; the service stopped answering after this check"
        for rest in plans[index + 1 :]:
            check = get_check(rest.check_id)
            report.checks.append(
                CheckResult(
                    id=check.id,
                    title=check.title,
                    weight=rest.weight,
                    verdict=CheckVerdict.could_not_run,
                    score=0,
                    summary=f"not run: the service stopped answering during the {plan.check_id} check",
                )
            )
        return


def _overall(results: list[CheckResult]) -> tuple[OverallVerdict, str | None]:
    if any(r.verdict in (CheckVerdict.failed, CheckVerdict.partial) for r in results):
        return OverallVerdict.failed, None
    missing = [r.id for r in results if r.verdict == CheckVerdict.could_not_run]
    if missing:
        return OverallVerdict.could_not_probe, f"checks that could not run: {', '.join(missing)}"
    return OverallVerdict.passed, None


async def probe(
    base_url: str,
    task_id: str,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    options: ProbeOptions | None = None,
) -> ProbeReport:
    options = options or ProbeOptions()
    task = get_task(task_id)
    started = time.perf_counter()
    plans = [p for p in task.check_plan() if options.checks is None or p.check_id in options.checks]
    limits = httpx.Limits(max_connections=max(options.load_concurrency, options.concurrency) + 2)
    async with httpx.AsyncClient(
        base_url=base_url,
        transport=transport,
        timeout=options.timeout_seconds,
        limits=limits,
        follow_redirects=False,
        trust_env=False,
    ) as http:
        client = ProbeClient(
            http,
            budget=options.request_budget,
            max_response_bytes=options.max_response_bytes,
            timeout=options.timeout_seconds,
            deadline_seconds=options.deadline_seconds,
        )
        report = ProbeReport(
            task_id=task.id, target=base_url, verdict=OverallVerdict.could_not_probe, score=0
        )
        reason = await _reachable(client, task.endpoints.healthz)
        if reason is None:
            await _run_all(plans, ProbeContext(client=client, task=task, options=options), report)
            report.verdict, report.reason = _overall(report.checks)
        else:
            report.reason = reason
        total = sum(p.weight for p in plans) or 1
        report.score = round(100 * sum(r.weight * r.score for r in report.checks) / total, 1)
        report.requests_sent = client.sent
        report.seconds = round(time.perf_counter() - started, 3)
        return report
