"""`prodready sandbox run --task TASK ARCHIVE [--json]` and `prodready sandbox runtime`.

Paths and the environment come from plain parameters (flags, else environment variables), so
the composition root can pass its settings in with `parser.set_defaults(...)`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from sandbox.isolation import ensure_sandbox_user
from sandbox.runner import IsolationUnavailable, SandboxSetupError, run_submission
from sandbox.runtime import RuntimeBuildError, build_runtime

EXIT_PASS, EXIT_CHECKS_FAILED, EXIT_NOT_PROBED, EXIT_REFUSED = 0, 1, 2, 3


def default_runtime_dir() -> Path:
    # The unprivileged sandbox account must be able to reach it: not under a 0700 home.
    if os.environ.get("PRODREADY_SANDBOX_RUNTIME_DIR"):
        return Path(os.environ["PRODREADY_SANDBOX_RUNTIME_DIR"])
    if os.geteuid() == 0:
        return Path("/var/lib/prodready/sandbox-runtime")
    return Path.home() / ".cache" / "prodready" / "sandbox-runtime"


def default_work_root() -> Path:
    return Path(os.environ.get("PRODREADY_SANDBOX_WORK_ROOT", Path(tempfile.gettempdir()) / "prodready-runs"))


def register(sandbox_subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sandbox_subparsers.add_parser("run", help="run an uploaded project in the sandbox and probe it")
    parser.add_argument("archive", type=Path, help="the project as a .zip or .tar.gz")
    parser.add_argument("--task", required=True, help="task id, e.g. churn-deploy")
    parser.add_argument("--json", action="store_true", help="print the whole outcome as JSON")
    parser.add_argument("--environment", choices=("local", "production"),
                        default=os.environ.get("PRODREADY_ENVIRONMENT", "local"))
    parser.add_argument("--runtime-dir", type=Path, default=None, help="the prepared runtime")
    parser.add_argument("--work-root", type=Path, default=None, help="where run directories are made")
    parser.set_defaults(handler=handle)
    return parser


def register_runtime(sandbox_subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sandbox_subparsers.add_parser(
        "runtime", help="build the sandbox runtime (needs the network once)"
    )
    parser.add_argument("--runtime-dir", type=Path, default=None)
    parser.set_defaults(handler=handle_runtime)
    return parser


def handle_runtime(args: argparse.Namespace) -> int:
    target = args.runtime_dir or default_runtime_dir()
    try:
        if os.geteuid() == 0:
            ensure_sandbox_user()
        info = build_runtime(target)
    except (RuntimeBuildError, PermissionError, OSError) as exc:
        print(f"prodready sandbox runtime: {exc}", file=sys.stderr)
        return 1
    print(f"runtime ready at {info.path} (Python {info.python_version}, {len(info.requirements)} packages)")
    return 0


def _exit_code(outcome) -> int:
    if outcome.status != "completed":
        return EXIT_NOT_PROBED
    verdict = (outcome.probe_report or {}).get("verdict")
    return {"pass": EXIT_PASS, "fail": EXIT_CHECKS_FAILED}.get(verdict, EXIT_NOT_PROBED)


def render(outcome) -> str:
    data = outcome.to_dict()
    lines = [f"{data['task_id']}: {data['status']}" + (f" ({data['reason']})" if data["reason"] else "")]
    isolation = "isolated" if data["isolated"] else "NOT ISOLATED (missing: " + ", ".join(
        data["missing_layers"]) + ")"
    lines.append(f"  sandbox: {isolation}")
    lines.append("  timings: " + ", ".join(f"{k} {v:g}s" for k, v in data["timings"].items()))
    report = data["probe_report"] or {}
    if report:
        lines.append(f"  probe: {report.get('verdict')}, score {report.get('score')}/100")
        for check in report.get("checks", []):
            lines.append(f"    [{check['verdict']}] {check['id']}: {check['summary']}")
    if data["status"] not in ("completed", "not_probed") and data["logs"]:
        lines.append("  service output (last lines):")
        lines.extend(f"    {line}" for line in data["logs"].splitlines()[-20:])
    return "\n".join(lines)


def handle(args: argparse.Namespace) -> int:
    from sandbox.prober import probe

    try:
        outcome = run_submission(
            args.archive, args.task, environment=args.environment,
            work_root=args.work_root or default_work_root(),
            runtime_dir=args.runtime_dir or default_runtime_dir(), probe=probe,
        )
    except (IsolationUnavailable, SandboxSetupError, RuntimeBuildError, FileNotFoundError) as exc:
        print(f"prodready sandbox run: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    print(json.dumps(outcome.to_dict(), indent=2) if args.json else render(outcome))
    return _exit_code(outcome)
