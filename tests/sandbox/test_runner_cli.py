"""`prodready sandbox run` as a command: exit codes and output for a refused and a running project."""

from __future__ import annotations

import argparse
import json
import zipfile

from sandbox import cli_run
from tests.sandbox.attack_projects.support import project_archive


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="prodready")
    groups = parser.add_subparsers(dest="group")
    sandbox = groups.add_parser("sandbox").add_subparsers(dest="command")
    cli_run.register(sandbox)
    cli_run.register_runtime(sandbox)
    return parser.parse_args(["sandbox", *argv])


def test_rejected_archive_exits_2_with_the_reason(runtime_dir, work_root, tmp_path, capsys):
    with zipfile.ZipFile(tmp_path / "bad.zip", "w") as archive:
        archive.writestr("/etc/evil", "x")
    args = parse("run", "--task", "churn-deploy", str(tmp_path / "bad.zip"),
                 "--runtime-dir", str(runtime_dir), "--work-root", str(work_root))
    assert args.handler(args) == cli_run.EXIT_NOT_PROBED
    out = capsys.readouterr().out
    assert "rejected" in out and "absolute paths are not allowed" in out


def test_json_output_reports_layers_and_the_probe(runtime_dir, work_root, tmp_path, capsys):
    archive = project_archive("crash_on_start", tmp_path)
    args = parse("run", "--task", "churn-deploy", str(archive), "--json", "--runtime-dir", str(runtime_dir),
                 "--work-root", str(work_root))
    assert args.handler(args) == cli_run.EXIT_NOT_PROBED
    data = json.loads(capsys.readouterr().out)
    assert data["status"] == "boot_failed" and "failing on purpose" in data["logs"]
    assert {layer["name"] for layer in data["layers"]} == {
        "bubblewrap", "unprivileged_user", "rlimits", "cgroups", "seccomp"}


def test_missing_runtime_is_refused_with_the_fix(work_root, tmp_path, capsys):
    archive = project_archive("stdlib_ok", tmp_path)
    args = parse("run", "--task", "churn-deploy", str(archive), "--runtime-dir", str(tmp_path / "none"),
                 "--work-root", str(work_root))
    assert args.handler(args) == cli_run.EXIT_REFUSED
    assert "prodready sandbox runtime" in capsys.readouterr().err
