"""`prodready sandbox kit TASK DIR`: write a task's starter kit."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sandbox.kit import KitError, write_kit
from sandbox.tasks import UnknownTask, task_ids


def register(sandbox_subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sandbox_subparsers.add_parser("kit", help="write the starter kit of a task to a new directory")
    parser.add_argument("task", help=f"task id ({', '.join(task_ids())})")
    parser.add_argument("directory", type=Path, help="where to write the kit (must be new or empty)")
    parser.set_defaults(handler=handle)
    return parser


def handle(args: argparse.Namespace) -> int:
    try:
        written = write_kit(args.task, args.directory)
    except (UnknownTask, KitError) as exc:
        print(f"prodready sandbox kit: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {len(written)} files to {args.directory}; start with {args.directory / 'TASK.md'}")
    return 0
