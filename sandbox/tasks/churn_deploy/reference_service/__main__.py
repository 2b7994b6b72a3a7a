"""Run the reference service.

python -m sandbox.tasks.churn_deploy.reference_service [--kit DIR] (--uds PATH | --port N)
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import uvicorn

from sandbox.tasks.churn_deploy.reference_service import ChurnService, create_app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="reference_service")
    parser.add_argument("--kit", type=Path, help="a kit directory; built in a temporary directory if absent")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--uds", help="listen on this Unix socket")
    where.add_argument("--port", type=int, help="listen on this TCP port")
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="churn-kit-") as scratch:
        kit = args.kit
        if kit is None:
            from sandbox.kit import write_kit

            kit = Path(scratch)
            write_kit("churn-deploy", kit)
        app = create_app(ChurnService.from_kit(kit))
        where_kw = {"uds": args.uds} if args.uds else {"host": args.host, "port": args.port}
        uvicorn.run(app, log_level="warning", access_log=False, **where_kw)


if __name__ == "__main__":
    main()
