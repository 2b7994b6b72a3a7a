"""Serve every solution from one process, each on its own loopback port and event loop.

`python -m tests.sandbox.solutions.serve KIT` prints one JSON line {flaw: port} once all are up,
then serves until terminated. One process keeps start-up (importing scikit-learn) to one payment.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from pathlib import Path

import uvicorn

from sandbox.tasks.churn_deploy.reference_service import ChurnService
from tests.sandbox.solutions.flaws import FLAWS


def start(app: object) -> tuple[int, uvicorn.Server]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", access_log=False, log_config=None)
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    return sock.getsockname()[1], server


def main() -> None:
    kit = Path(sys.argv[1])
    servers = {name: start(build(ChurnService.from_kit(kit))) for name, (build, _) in FLAWS.items()}
    while not all(server.started for _, server in servers.values()):
        time.sleep(0.05)
    print(json.dumps({name: port for name, (port, _) in servers.items()}), flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()
