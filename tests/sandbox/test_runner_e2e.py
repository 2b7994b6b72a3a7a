"""End to end: the kit's reference solution, uploaded as an archive, runs isolated and passes the prober."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from sandbox.kit import write_kit
from sandbox.prober import probe
from sandbox.runner import run_submission

REPO = Path(__file__).resolve().parents[2]
MANIFEST = """[service]
command = ["python", "-m", "sandbox.tasks.churn_deploy.reference_service", "--kit", ".", "--uds", "{socket}"]
startup_timeout_seconds = 60
"""


def reference_archive(out: Path) -> Path:
    """The kit plus the platform's reference service (it lives in the `sandbox` package)."""
    kit = out / "kit"
    write_kit("churn-deploy", kit)
    (kit / "prodready-service.toml").write_text(MANIFEST)
    archive = out / "reference.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(kit.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(kit).as_posix())
        for path in sorted((REPO / "sandbox").rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                zf.write(path, path.relative_to(REPO).as_posix())
    return archive


@pytest.mark.slow
def test_reference_solution_passes_every_check_inside_the_sandbox(
    fully_isolated, runtime_dir, work_root, tmp_path
):
    outcome = run_submission(reference_archive(tmp_path), "churn-deploy", environment="production",
                             work_root=work_root, runtime_dir=runtime_dir, probe=probe)
    assert outcome.status == "completed", outcome.to_dict()
    assert outcome.isolated
    report = outcome.probe_report
    failing = [(c["id"], c["summary"]) for c in report["checks"] if c["verdict"] != "pass"]
    assert report["verdict"] == "pass", failing
    latency = next(c for c in report["checks"] if c["id"] == "latency")
    # the baseline ran in the sandbox too, with the same limits, not as a plain subprocess
    assert latency["details"]["reference_isolated"] is True, latency["details"]
    assert latency["details"]["reference_measurement"].startswith("measured in the sandbox")
    assert outcome.resources["all_processes_killed"] is True
    assert list(work_root.iterdir()) == []
