"""`prodready bank lint` and `prodready bank stats`: the command group for the question bank.

`register(subparsers)` adds the group; each command sets `handler`, a
function `args -> int` whose result is the exit status.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from question_bank.lint import has_errors, lint_bank
from question_bank.loader import load_bank
from question_bank.stats import bank_stats, coverage_met, format_stats


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    bank = subparsers.add_parser("bank", help="validate and count the question bank")
    commands = bank.add_subparsers(dest="bank_command", metavar="COMMAND", required=True)

    lint = commands.add_parser("lint", help="validate every question file; errors as file:line: message")
    lint.add_argument("path", nargs="?", type=Path, help="a folder or file (default: the bundled bank)")
    lint.set_defaults(handler=lint_command)

    stats = commands.add_parser("stats", help="counts by kind, stage and level, and coverage")
    stats.add_argument("path", nargs="?", type=Path, help="a folder or file (default: the bundled bank)")
    stats.add_argument("--json", action="store_true", help="print JSON instead of a table")
    stats.add_argument("--check", action="store_true", help="exit 1 when a coverage minimum is not met")
    stats.set_defaults(handler=stats_command)
    return bank


def lint_command(args: argparse.Namespace) -> int:
    """Exit 1 when there is an error; warnings alone keep the exit status 0."""
    problems = lint_bank(args.path)
    for problem in problems:
        print(problem.format())
    errors = sum(problem.severity == "error" for problem in problems)
    warnings = len(problems) - errors
    print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if has_errors(problems) else 0


def stats_command(args: argparse.Namespace) -> int:
    bank = load_bank(args.path)
    stats = bank_stats(bank.all_questions())
    if bank.errors:
        # the counts leave these files out; say so instead of showing a silently smaller bank
        print(f"{len(bank.errors)} error(s) in the bank; run `prodready bank lint`", file=sys.stderr)
    if getattr(args, "json", False):
        extra = {"content_version": bank.content_version, "errors": len(bank.errors)}
        print(json.dumps({**stats, **extra}, indent=2))
    else:
        print(format_stats(stats))
    return 1 if getattr(args, "check", False) and not coverage_met(stats) else 0
