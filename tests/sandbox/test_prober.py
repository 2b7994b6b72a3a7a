"""The prober against real services on loopback: the reference passes, each flawed solution fails one check."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sandbox.baseline import measure_service
from sandbox.kit import write_kit
from sandbox.options import ProbeOptions
from sandbox.prober import probe
from sandbox.report import CheckVerdict, LatencyStats, OverallVerdict, ProbeReport
from sandbox.tasks import get_task
from tests.sandbox.probe_support import TEST_OPTIONS, Solutions
from tests.sandbox.solutions.flaws import FLAWS

FLAWED = [name for name, (_, target) in FLAWS.items() if target is not None]
# More load requests than elsewhere: every solution here must also pass the latency check, and with
# 30 requests p95 is the second slowest, which one stall of a busy machine decides (60: the third).
OPTIONS = TEST_OPTIONS.model_copy(update={"load_requests": 60})


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("kit") / "churn"
    write_kit("churn-deploy", directory)
    return directory


@pytest.fixture(scope="module")
def services(kit: Path) -> Iterator[Solutions]:
    solutions = Solutions(kit)
    try:
        yield solutions
    finally:
        solutions.stop()


async def _measure(base_url: str) -> LatencyStats:
    async with httpx.AsyncClient(base_url=base_url, timeout=OPTIONS.timeout_seconds) as http:
        return await measure_service(
            http,
            get_task("churn-deploy"),
            requests=OPTIONS.load_requests,
            concurrency=OPTIONS.load_concurrency,
        )


@pytest.fixture(scope="module")
def options(services: Solutions) -> ProbeOptions:
    """The latency baseline: the reference solution, served by the same process as the flawed ones.
    The slower of two measurements: on a busy machine one run of 30 requests can land in a quiet
    moment, and a well-behaved solution probed in a busy one would then look slow. The slow flaw
    (0.8 s a request) fails by far either way."""
    measured = [asyncio.run(_measure(services.url("reference"))) for _ in range(2)]
    return OPTIONS.model_copy(update={"latency_baseline": max(measured, key=lambda stats: stats.p95_ms)})


def run_probe(base_url: str, options: ProbeOptions) -> ProbeReport:
    return asyncio.run(probe(base_url, "churn-deploy", options=options))


def verdicts(report: ProbeReport) -> dict[str, CheckVerdict]:
    return {check.id: check.verdict for check in report.checks}


def test_reference_solution_passes_every_check(services: Solutions, options) -> None:
    report = run_probe(services.url("reference"), options)

    assert set(verdicts(report).values()) == {CheckVerdict.passed}, report.model_dump_json(indent=1)
    assert report.verdict == OverallVerdict.passed
    assert report.score == 100
    assert report.requests_sent <= TEST_OPTIONS.request_budget
    again = ProbeReport.model_validate_json(report.model_dump_json())
    assert again.model_dump(mode="json") == report.model_dump(mode="json")


@pytest.mark.parametrize("flaw", FLAWED)
def test_flawed_solution_fails_exactly_its_check(services: Solutions, options, flaw: str) -> None:
    target = FLAWS[flaw][1]

    report = run_probe(services.url(flaw), options)

    got = verdicts(report)
    assert got[target] == CheckVerdict.failed, report.model_dump_json(indent=1)
    others = {check.id: f"{check.verdict.value}: {check.summary}" for check in report.checks
              if check.id != target and check.verdict != CheckVerdict.passed}
    assert not others, others
    assert report.verdict == OverallVerdict.failed
    failed = next(check for check in report.checks if check.id == target)
    assert failed.hint and failed.evidence, "a failed check explains itself"
