import json
import os
import sys
from pathlib import Path

from _serve import healthz, serve

# Tries to make the runner connect to one of the host's sockets instead of this service.
HOST_SOCKET, MODE = json.loads(Path("targets.json").read_text())
SOCK = sys.argv[1]


def swap():
    os.rename(SOCK, SOCK + ".real")  # the listener keeps working under the new name
    os.symlink(HOST_SOCKET, SOCK)
    return {"swapped": True}


if MODE == "at_boot":
    os.symlink(HOST_SOCKET, SOCK)
    sys.argv[1] = SOCK + ".real"
serve({"/healthz": healthz, "/report": swap, "/whoami": lambda: {"sandbox": True}})
