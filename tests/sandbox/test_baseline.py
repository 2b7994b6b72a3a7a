"""The latency baseline: measured through the sandbox runner with the candidate's limits, or said to be unisolated."""

from __future__ import annotations

import asyncio

import httpx
import pytest

import sandbox.runner
from sandbox import baseline
from sandbox.checks.base import ProbeContext
from sandbox.checks.latency import LatencyCheck
from sandbox.isolation import ResourceLimits
from sandbox.isolation.limits import GiB
from sandbox.kit import write_kit
from sandbox.options import ProbeOptions, SandboxPlacement
from sandbox.probe_client import ProbeClient
from sandbox.report import LatencyStats
from sandbox.runner import arun_submission
from sandbox.tasks import get_task
from sandbox.tasks.churn_deploy.reference_service import ChurnService, create_app
from tests.sandbox.attack_projects.support import need, project_archive

# Not the defaults, so a launch with the defaults would not pass for the candidate's limits.
CANDIDATE_LIMITS = ResourceLimits(cpu_cores=0.5, memory_bytes=1 * GiB, log_bytes=16 * 1024)
LOAD = {"requests": 30, "concurrency": 2, "timeout": 5.0}
FIXED = LatencyStats(requests=30, concurrency=2, p50_ms=1.0, p95_ms=2.0, p99_ms=3.0, error_rate=0.0,
                     wall_seconds=0.1)


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(baseline, "_CACHE", {})


@pytest.fixture
def launches(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """Every service the runner starts: its host, command and limits (the real launch still runs)."""
    seen: list[dict] = []
    real_launch = sandbox.runner.launch

    def recording_launch(host, spec, command, limits, run_name):
        service = real_launch(host, spec, command, limits, run_name)
        seen.append({"host": host, "command": command, "limits": limits, "run_name": run_name,
                     "bubblewrapped": service.isolated_pid_namespace})
        return service

    monkeypatch.setattr(sandbox.runner, "launch", recording_launch)
    return seen


def test_sandboxed_baseline_runs_the_reference_through_the_runner_with_the_candidates_limits(
    host, runtime_dir, work_root, launches
):
    need(host.active("bubblewrap"), "bubblewrap is not usable here")
    placement = SandboxPlacement("local", work_root, runtime_dir, CANDIDATE_LIMITS, host)
    measured = asyncio.run(baseline.reference_baseline(get_task("churn-deploy"), sandbox=placement, **LOAD))

    assert len(launches) == 1
    launched = launches[0]
    assert launched["limits"] == CANDIDATE_LIMITS and launched["host"] is host
    assert launched["bubblewrapped"] is True and launched["run_name"].startswith("run-baseline-")
    assert launched["command"][:3] == ["python", "-m", "sandbox.tasks.churn_deploy.reference_service"]
    assert "/sandbox/run/service.sock" in launched["command"]  # the socket path inside bubblewrap
    assert measured.isolated is True
    assert measured.stats.requests == 30 and measured.stats.error_rate == 0.0
    assert "in the sandbox" in measured.how and "0.5 CPU" in measured.how and "1024 MiB" in measured.how
    assert list(work_root.iterdir()) == []  # the baseline's run directory is removed like a candidate's

    # Cached per task, load shape and placement: the same placement does not start it again ...
    again = asyncio.run(baseline.reference_baseline(get_task("churn-deploy"), sandbox=placement, **LOAD))
    assert again is measured and len(launches) == 1


def test_the_cache_separates_placements_and_the_unisolated_measurement(monkeypatch, host, work_root, runtime_dir):
    calls: list[str] = []

    async def fake_sandboxed(task, placement, **load):
        calls.append(f"sandbox {placement.limits.cpu_cores}")
        return FIXED

    async def fake_plain(task, **load):
        calls.append("plain")
        return FIXED

    monkeypatch.setattr(baseline, "measure_in_sandbox", fake_sandboxed)
    monkeypatch.setattr(baseline, "measure", fake_plain)
    task = get_task("churn-deploy")
    one = SandboxPlacement("local", work_root, runtime_dir, CANDIDATE_LIMITS, host)
    two = SandboxPlacement("local", work_root, runtime_dir, ResourceLimits(cpu_cores=2.0), host)
    for placement in (one, two, one, None, None, two):
        asyncio.run(baseline.reference_baseline(task, sandbox=placement, **LOAD))
    assert calls == ["sandbox 0.5", "sandbox 2.0", "plain"]


def test_the_runner_tells_the_prober_where_the_service_runs(fully_isolated, runtime_dir, work_root, tmp_path):
    seen = []

    async def capture(base_url, task_id, *, transport=None, options=None):
        seen.append(options)
        return {}

    outcome = asyncio.run(arun_submission(
        project_archive("stdlib_ok", tmp_path), "churn-deploy", environment="local", work_root=work_root,
        runtime_dir=runtime_dir, limits=CANDIDATE_LIMITS, probe=capture,
        probe_options=ProbeOptions(checks=("latency",)),
    ))
    assert outcome.status == "completed", outcome.to_dict()
    options = seen[0]
    assert options.checks == ("latency",)
    placement = options.sandbox
    assert placement.limits == CANDIDATE_LIMITS and placement.environment == "local"
    assert placement.work_root == work_root.absolute() and placement.runtime_dir == runtime_dir.absolute()
    assert placement.host.layers == fully_isolated.layers
    assert "sandbox" not in options.model_dump()  # never serialized into a report


def _latency_on_in_process_reference(tmp_path, options: ProbeOptions):
    """Run the latency check against the reference app in process (its own baseline is faked by the test)."""
    kit = tmp_path / "kit"
    write_kit("churn-deploy", kit)
    app = create_app(ChurnService.from_kit(kit))

    async def run():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://app",
                                     timeout=5.0) as http:
            client = ProbeClient(http, budget=500, max_response_bytes=1_000_000, timeout=5.0)
            ctx = ProbeContext(client=client, task=get_task("churn-deploy"), options=options)
            return await LatencyCheck().run(ctx)

    return asyncio.run(run())


def test_a_baseline_measured_without_isolation_is_reported_as_such(tmp_path, monkeypatch):
    async def fake_plain(task, **load):
        return FIXED

    monkeypatch.setattr(baseline, "measure", fake_plain)
    outcome = _latency_on_in_process_reference(tmp_path, ProbeOptions(load_requests=20, load_concurrency=2))
    assert outcome.details["reference_isolated"] is False
    assert outcome.details["reference_measurement"].startswith("measured without isolation")
    assert outcome.summary.endswith("the reference was measured without isolation")


def test_a_sandboxed_baseline_is_reported_with_its_limits(tmp_path, monkeypatch, host, work_root, runtime_dir):
    async def fake_sandboxed(task, placement, **load):
        return FIXED

    monkeypatch.setattr(baseline, "measure_in_sandbox", fake_sandboxed)
    placement = SandboxPlacement("local", work_root, runtime_dir, CANDIDATE_LIMITS, host)
    options = ProbeOptions(load_requests=20, load_concurrency=2).model_copy(update={"sandbox": placement})
    outcome = _latency_on_in_process_reference(tmp_path, options)
    assert outcome.details["reference_isolated"] is True
    assert outcome.details["reference_measurement"].startswith("measured in the sandbox with the candidate's limits")
    assert "without isolation" not in outcome.summary


def test_a_given_baseline_says_it_was_not_measured_here(tmp_path):
    options = ProbeOptions(load_requests=20, load_concurrency=2, latency_baseline=FIXED)
    outcome = _latency_on_in_process_reference(tmp_path, options)
    assert outcome.details["reference_isolated"] is None
    assert "not measured by this probe" in outcome.details["reference_measurement"]
