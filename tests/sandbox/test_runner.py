"""The runner: outcomes for good, broken and refused submissions, and the local/production rules."""

from __future__ import annotations

import zipfile

import pytest

from sandbox.isolation.layers import HostIsolation, Layer
from sandbox.runner import Deadlines, IsolationUnavailable, run_submission
from tests.sandbox.attack_projects.support import fetch_report, project_archive


def _run(archive, work_root, runtime_dir, **kwargs):
    kwargs.setdefault("environment", "local")
    kwargs.setdefault("probe", fetch_report)
    return run_submission(archive, "churn-deploy", work_root=work_root, runtime_dir=runtime_dir, **kwargs)


def _bare_host() -> HostIsolation:
    layers = tuple(Layer(name, False, "switched off for this test") for name in
                   ("bubblewrap", "unprivileged_user", "cgroups", "seccomp"))
    return HostIsolation((*layers, Layer("rlimits", True, "set")), None, None, None)


def test_isolated_run_completes_with_a_cleared_environment(
    fully_isolated, runtime_dir, work_root, tmp_path, monkeypatch
):
    monkeypatch.setenv("PRODREADY_SECRET_KEY", "platform-secret")
    outcome = _run(project_archive("stdlib_ok", tmp_path), work_root, runtime_dir)
    assert outcome.status == "completed", outcome.to_dict()
    assert outcome.isolated and outcome.to_dict()["isolation"] == "isolated"
    report = outcome.probe_report
    assert report["uid"] == fully_isolated.sandbox_uid != 0
    assert "PRODREADY_SECRET_KEY" not in report["env"]
    assert report["hostname"] == "sandbox" and report["cwd"] == "/sandbox/project"
    assert outcome.timings["boot_seconds"] > 0 and outcome.resources["all_processes_killed"] is True
    assert list(work_root.iterdir()) == []  # the run directory is gone


def test_fastapi_service_from_the_runtime_boots(fully_isolated, runtime_dir, work_root, tmp_path):
    outcome = _run(project_archive("fastapi_ok", tmp_path), work_root, runtime_dir)
    assert outcome.status == "completed", outcome.to_dict()
    assert outcome.probe_report["groups"] == []
    assert outcome.resources["memory_peak_bytes"] > 0


def test_service_that_crashes_while_starting_reports_its_logs(host, runtime_dir, work_root, tmp_path):
    outcome = _run(project_archive("crash_on_start", tmp_path), work_root, runtime_dir)
    assert outcome.status == "boot_failed"
    assert outcome.exit_code == 3 and "code 3" in outcome.reason
    assert "failing on purpose" in outcome.logs


def test_without_a_prober_the_run_says_no_check_ran(host, runtime_dir, work_root, tmp_path):
    outcome = _run(project_archive("stdlib_ok", tmp_path), work_root, runtime_dir, probe=None)
    assert outcome.status == "not_probed" and outcome.probe_report is None


def test_bad_archive_is_rejected_with_a_reason(host, runtime_dir, work_root, tmp_path):
    with zipfile.ZipFile(tmp_path / "evil.zip", "w") as archive:
        archive.writestr("../escape.py", "x")
    outcome = _run(tmp_path / "evil.zip", work_root, runtime_dir)
    assert outcome.status == "rejected" and "'..'" in outcome.reason
    assert list(work_root.iterdir()) == []


def test_missing_manifest_is_rejected(host, runtime_dir, work_root, tmp_path):
    with zipfile.ZipFile(tmp_path / "p.zip", "w") as archive:
        archive.writestr("app.py", "x")
    outcome = _run(tmp_path / "p.zip", work_root, runtime_dir)
    assert outcome.status == "rejected" and "prodready-service.toml is missing" in outcome.reason


def test_production_refuses_when_a_layer_is_missing(runtime_dir, work_root, tmp_path):
    with pytest.raises(IsolationUnavailable, match="bubblewrap.*cgroups"):
        _run(project_archive("stdlib_ok", tmp_path), work_root, runtime_dir,
             environment="production", host=_bare_host())


def test_local_runs_without_layers_and_says_not_isolated(runtime_dir, work_root, tmp_path):
    outcome = _run(project_archive("stdlib_ok", tmp_path), work_root, runtime_dir, host=_bare_host())
    assert outcome.status == "completed", outcome.to_dict()
    data = outcome.to_dict()
    assert data["isolated"] is False and data["isolation"] == "not isolated"
    assert set(data["missing_layers"]) == {"bubblewrap", "unprivileged_user", "cgroups", "seccomp"}


def test_production_runs_when_every_layer_is_there(fully_isolated, runtime_dir, work_root, tmp_path):
    outcome = _run(project_archive("stdlib_ok", tmp_path), work_root, runtime_dir, environment="production")
    assert outcome.status == "completed" and outcome.isolated


def test_unknown_environment_is_a_programming_error(runtime_dir, work_root, tmp_path):
    with pytest.raises(ValueError, match="environment"):
        _run(project_archive("stdlib_ok", tmp_path), work_root, runtime_dir, environment="staging")


def test_run_deadline_cuts_a_hanging_probe(host, runtime_dir, work_root, tmp_path):
    async def hangs(base_url, task_id, *, transport=None, options=None):
        import asyncio

        await asyncio.sleep(60)

    outcome = _run(project_archive("stdlib_ok", tmp_path), work_root, runtime_dir, probe=hangs,
                   deadlines=Deadlines(boot_seconds=20, run_seconds=4))
    assert outcome.status == "probe_timeout"
    assert outcome.timings["total_seconds"] < 10
