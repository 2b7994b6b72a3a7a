"""The `prodready` command line."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

import prodready
from prodready.settings import Settings


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from prodready.app import create_app
    from prodready.startup import prepare

    settings = Settings()
    database = prepare(settings, demo=args.demo)
    print(f"prodready {prodready.__version__}: http://{args.host}:{args.port} ({database.dialect})", flush=True)
    if args.workers > 1:
        database.dispose()
        # Worker processes build their app from the environment; the parent already migrated.
        os.environ.setdefault("PRODREADY_DATA_DIR", str(settings.data_dir))
        uvicorn.run(
            "prodready.app:app_from_environment", factory=True, host=args.host, port=args.port,
            workers=args.workers, log_config=None, access_log=False,
        )
        return 0
    app = create_app(settings, database=database)
    uvicorn.run(app, host=args.host, port=args.port, log_config=None, access_log=False)
    return 0


def _migrate(_args: argparse.Namespace) -> int:
    from prodready import migrate
    from prodready.db import Database

    settings = Settings()
    database = Database.from_url(settings.resolved_database_url)
    migrate.upgrade_to_head(database.engine)
    print(f"schema at {migrate.current_revision(database.engine)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="prodready",
        description="Interview prep and skill assessment for production ML literacy.",
        epilog="Settings come from PRODREADY_* environment variables; see the README.",
    )
    parser.add_argument("--version", action="version", version=f"prodready {prodready.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser("serve", help="migrate, load the question bank and serve")
    serve.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument("--demo", action="store_true", help="add demo users and data")
    serve.add_argument("--workers", type=int, default=1, help="server processes (default 1)")
    serve.set_defaults(handler=_serve)

    migrate_cmd = commands.add_parser("migrate", help="upgrade the database schema to the latest version")
    migrate_cmd.set_defaults(handler=_migrate)

    from practice import cli as practice_cli

    practice_cli.register(commands)
    _register_domain_commands(commands)
    return parser


def _register_domain_commands(commands: argparse._SubParsersAction) -> None:
    """Commands each domain defines: `bank`, `probe`, `sandbox kit|run|runtime` and `worker`."""
    from question_bank import cli as bank_cli
    from sandbox import cli_kit, cli_probe, cli_run
    from sandbox.jobs import cli as worker_cli

    bank_cli.register(commands)
    cli_probe.register(commands)
    sandbox_cmd = commands.add_parser("sandbox", help="the hands-on task: starter kits and isolated runs")
    sandbox_commands = sandbox_cmd.add_subparsers(dest="sandbox_command", metavar="COMMAND", required=True)
    cli_kit.register(sandbox_commands)
    cli_run.register(sandbox_commands)
    cli_run.register_runtime(sandbox_commands)
    worker_cli.register(commands)
    from credentials import cli as credentials_cli

    credentials_cli.register(commands)  # verify, rotate-key


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return int(handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the CLI surface: a message and an exit code, not a traceback
        from prodready.errors import ProdreadyError

        if isinstance(exc, ProdreadyError | ValueError):
            print(f"prodready: error: {exc}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
