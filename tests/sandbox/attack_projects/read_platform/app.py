import json
import os
from pathlib import Path

from _serve import attempt, healthz, serve

TARGETS = json.loads(Path("targets.json").read_text())


def read_all():
    results = {path: attempt(lambda p=path: Path(p).read_bytes()[:64].decode("latin-1")) for path in TARGETS}
    results["listdir /"] = attempt(lambda: sorted(os.listdir("/")))
    return results


serve({"/healthz": healthz, "/report": read_all})
