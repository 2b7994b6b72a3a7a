"""A service that cannot be reached is "could not probe" (exit 2), never a set of invented failures."""

from __future__ import annotations

import argparse
import asyncio
import json

from sandbox import cli_probe
from sandbox.prober import probe
from sandbox.report import OverallVerdict
from tests.sandbox.probe_support import TEST_OPTIONS, free_port


def test_unreachable_url_could_not_be_probed() -> None:
    report = asyncio.run(probe(f"http://127.0.0.1:{free_port()}", "churn-deploy", options=TEST_OPTIONS))

    assert report.verdict == OverallVerdict.could_not_probe
    assert report.checks == [] and report.score == 0
    assert "did not answer" in (report.reason or "")


def test_cli_exits_2_and_prints_json_when_unreachable(capsys) -> None:
    parser = argparse.ArgumentParser()
    cli_probe.register(parser.add_subparsers())
    args = parser.parse_args(["probe", f"http://127.0.0.1:{free_port()}", "--task", "churn-deploy", "--json"])

    code = args.handler(args)

    assert code == 2
    assert json.loads(capsys.readouterr().out)["verdict"] == "could_not_probe"


def test_cli_unknown_task_exits_2(capsys) -> None:
    parser = argparse.ArgumentParser()
    cli_probe.register(parser.add_subparsers())
    args = parser.parse_args(["probe", "http://127.0.0.1:9", "--task", "no-such-task"])

    assert args.handler(args) == 2
    assert "unknown task" in capsys.readouterr().err
