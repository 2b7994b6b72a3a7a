"""`prodready probe URL --task TASK [--json]`: run a task's checks against a running service."""

from __future__ import annotations

import argparse
import asyncio
import sys

from sandbox.report import CheckVerdict, OverallVerdict, ProbeReport
from sandbox.tasks import UnknownTask, task_ids

EXIT_CODES = {OverallVerdict.passed: 0, OverallVerdict.failed: 1, OverallVerdict.could_not_probe: 2}
_MARKS = {
    CheckVerdict.passed: "PASS",
    CheckVerdict.partial: "PART",
    CheckVerdict.failed: "FAIL",
    CheckVerdict.could_not_run: "N/A ",
}


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("probe", help="run the sandbox checks against a running service")
    parser.add_argument("url", help="base URL of the service, e.g. http://127.0.0.1:8000")
    parser.add_argument("--task", required=True, help=f"task id ({', '.join(task_ids())})")
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    parser.set_defaults(handler=handle)
    return parser


def render(report: ProbeReport) -> str:
    lines = [
        f"{report.task_id} at {report.target}: {report.verdict.value.upper()}, score {report.score:g}/100"
    ]
    if report.reason:
        lines.append(f"  {report.reason}")
    for check in report.checks:
        mark, timing = _MARKS[check.verdict], f"weight {check.weight}, {check.seconds:.1f} s"
        lines.append(f"  [{mark}] {check.id} ({timing}): {check.summary}")
        if check.hint:
            lines.append(f"         hint: {check.hint}")
    lines.append(f"{report.requests_sent} requests in {report.seconds:.1f} s; --json shows the evidence")
    return "\n".join(lines)


def handle(args: argparse.Namespace) -> int:
    try:
        from sandbox.prober import probe  # imports the tasks' models: only when probing

        report = asyncio.run(probe(args.url, args.task))
    except UnknownTask as exc:
        print(f"prodready probe: {exc}", file=sys.stderr)
        return 2
    print(report.model_dump_json(indent=2) if args.json else render(report))
    return EXIT_CODES[report.verdict]
