import json
from pathlib import Path

from _serve import attempt, healthz, serve

TARGETS = json.loads(Path("targets.json").read_text()) + [
    "/sandbox/project/owned.txt", "/usr/owned.txt", "/owned.txt", "/etc/owned.txt", "/tmp/private.txt",
    "/sandbox/run/allowed.txt",
]


def write(path):
    with open(path, "w") as handle:
        handle.write("owned")
    return path


serve({"/healthz": healthz, "/report": lambda: {p: attempt(lambda p=p: write(p)) for p in TARGETS}})
