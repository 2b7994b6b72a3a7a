"""The starter kit: complete, deterministic, safe to load, and consistent with the task."""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
import skops.io as sio

from sandbox import cli_kit
from sandbox.kit import KitError, write_kit
from sandbox.manifest import load_manifest
from sandbox.tasks import get_task
from sandbox.tasks.churn_deploy import model

EXPECTED_FILES = {
    "TASK.md",
    "openapi.json",
    "prodready-service.toml",
    "requirements.txt",
    "app/__init__.py",
    "app/main.py",
    "data/reference.csv",
    "model/churn_model.skops",
    "model/churn_model.skops.sha256",
    "model/model.json",
}


def digest(directory: Path) -> dict[str, str]:
    return {
        p.relative_to(directory).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("kit") / "churn"
    write_kit("churn-deploy", directory)
    return directory


def test_kit_has_every_file(kit: Path) -> None:
    assert set(digest(kit)) == EXPECTED_FILES


def test_two_builds_give_identical_bytes_and_predictions(kit: Path, tmp_path: Path) -> None:
    model.model_bytes.cache_clear()
    model.reference_model.cache_clear()
    again = tmp_path / "again"
    write_kit("churn-deploy", again)

    assert digest(again) == digest(kit)
    rows = get_task("churn-deploy").heldout_rows(200)
    first = model.load_model((kit / "model/churn_model.skops").read_bytes())
    second = model.load_model((again / "model/churn_model.skops").read_bytes())
    frame = pd.DataFrame(rows)
    assert (first.predict_proba(frame) == second.predict_proba(frame)).all()


def test_published_sha256_and_version_match_the_model(kit: Path) -> None:
    data = (kit / "model/churn_model.skops").read_bytes()
    card = json.loads((kit / "model/model.json").read_text())
    line = (kit / "model/churn_model.skops.sha256").read_text()

    assert line.split()[0] == card["sha256"] == hashlib.sha256(data).hexdigest()
    assert card["model_version"] == get_task("churn-deploy").model_version
    assert card["sha256"][:12] in card["model_version"]


def test_model_loads_without_trusting_unknown_types(kit: Path) -> None:
    assert sio.get_untrusted_types(data=(kit / "model/churn_model.skops").read_bytes()) == []


def test_reference_csv_is_the_drift_baseline(kit: Path) -> None:
    lines = (kit / "data/reference.csv").read_text().splitlines()
    task = get_task("churn-deploy")

    assert lines[0].split(",") == [f.name for f in task.features] + ["churned"]
    assert len(lines) - 1 == len(task.drift_reference()) == 1000


def test_heldout_rows_are_not_in_the_kit(kit: Path) -> None:
    shipped = (kit / "data/reference.csv").read_text()
    row = get_task("churn-deploy").heldout_rows(50)
    assert not any(",".join(str(v) for v in r.values()) in shipped for r in row)


def test_manifest_is_valid_for_the_runner(kit: Path) -> None:
    manifest = load_manifest(kit)
    assert "{socket}" in " ".join(manifest.service.command)


def test_task_md_documents_every_check_with_its_weight(kit: Path) -> None:
    text = (kit / "TASK.md").read_text()
    task = get_task("churn-deploy")

    assert "{{" not in text
    for plan in task.check_plan():
        assert f"| `{plan.check_id}` —" in text and f"| {plan.weight} |" in text
    assert sum(p.weight for p in task.check_plan()) == 100
    assert task.model_version in text and "skops" in text and "prodready probe" in text


def test_openapi_names_the_contract(kit: Path) -> None:
    doc = json.loads((kit / "openapi.json").read_text())
    assert {"/predict", "/healthz", "/readyz", "/metrics", "/drift", "/drift/reset"} <= set(doc["paths"])
    assert doc["components"]["schemas"]["Customer"]["additionalProperties"] is False


def test_starter_is_not_a_solution(kit: Path) -> None:
    starter = (kit / "app/main.py").read_text()
    assert "TODO" in starter
    for route in ("/readyz", "/metrics", "/drift"):
        assert f'@app.get("{route}")' not in starter


def test_kit_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "work.py").write_text("mine")
    with pytest.raises(KitError, match="not empty"):
        write_kit("churn-deploy", tmp_path)


def test_cli_writes_the_kit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    cli_kit.register(parser.add_subparsers())
    args = parser.parse_args(["kit", "churn-deploy", str(tmp_path / "k")])

    assert args.handler(args) == 0
    assert (tmp_path / "k/TASK.md").is_file()
    assert "wrote 10 files" in capsys.readouterr().out
