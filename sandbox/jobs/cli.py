"""`prodready worker`: take sandbox runs from the Redis queue and execute them."""

from __future__ import annotations

import argparse
import asyncio
import sys

from prodready import migrate
from prodready.db import Database
from prodready.observability import configure_logging
from prodready.settings import Settings


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "worker", help="execute sandbox runs from the Redis queue (needs PRODREADY_REDIS_URL)"
    )
    parser.add_argument("--concurrency", type=int, default=None,
                        help="runs executed at once (default: PRODREADY_SANDBOX_WORKERS, at least 1)")
    parser.set_defaults(handler=handle)
    return parser


def handle(args: argparse.Namespace) -> int:
    from sandbox.jobs.queue import build_worker

    settings = Settings()
    if not settings.redis_url:
        print("prodready worker: set PRODREADY_REDIS_URL; without it the server runs sandbox jobs itself",
              file=sys.stderr)
        return 2
    configure_logging(settings.log_level, json_lines=settings.log_json)
    database = Database.from_url(settings.resolved_database_url)
    current, head = migrate.current_revision(database.engine), migrate.head_revision()
    if current != head:
        print(f"prodready worker: the database schema is at {current or 'nothing'}, this code expects {head}; "
              "run `prodready migrate` first", file=sys.stderr)
        return 2
    concurrency = args.concurrency or max(settings.sandbox_workers, 1)
    worker = build_worker(database, settings, concurrency=concurrency)
    print(f"prodready worker: {concurrency} at once from queue {settings.sandbox_queue_name!r} "
          f"({database.dialect})", flush=True)
    try:
        asyncio.run(worker.start())
    finally:
        database.dispose()
    return 0
