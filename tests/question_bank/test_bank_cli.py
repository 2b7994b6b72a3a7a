"""`bank lint` and `bank stats` through an argparse parser, as the main CLI wires them."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from question_bank import cli

FIXTURES = Path(__file__).parent / "fixtures"


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="prodready")
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(list(argv))
    return args.handler(args)


def test_lint_prints_file_line_message_and_fails_on_errors(monkeypatch, capsys) -> None:
    monkeypatch.chdir(FIXTURES)
    assert run("bank", "lint", "duplicates") == 1
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        "duplicates/first.yaml:1: duplicate id 'same-id' (also in duplicates/second.yaml:1)",
        "duplicates/second.yaml:1: duplicate id 'same-id' (also in duplicates/first.yaml:1)",
    ]
    assert "2 error(s)" in out.err


def test_lint_passes_on_warnings_only(monkeypatch, capsys) -> None:
    monkeypatch.chdir(FIXTURES)
    assert run("bank", "lint", "lint/old-name.yaml") == 0
    assert ": warning: " in capsys.readouterr().out


def test_lint_of_a_clean_folder(capsys) -> None:
    assert run("bank", "lint", str(FIXTURES / "good")) == 0
    assert capsys.readouterr().out == ""


def test_stats_table_and_json(capsys) -> None:
    assert run("bank", "stats", str(FIXTURES / "good")) == 0
    assert "technical" in capsys.readouterr().out
    assert run("bank", "stats", "--json", str(FIXTURES / "good")) == 0
    assert '"by_level"' in capsys.readouterr().out


def test_bank_needs_a_command() -> None:
    with pytest.raises(SystemExit):
        run("bank")
