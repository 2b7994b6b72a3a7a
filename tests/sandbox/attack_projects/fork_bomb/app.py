import os
import time

from _serve import healthz, serve


def fork_forever():
    forked = 0
    while forked < 100_000:
        try:
            pid = os.fork()
        except OSError as exc:
            return {"forked": forked, "error": f"{type(exc).__name__}: {exc}"}
        if pid == 0:
            time.sleep(600)
            os._exit(0)
        forked += 1
    return {"forked": forked, "error": None}


serve({"/healthz": healthz, "/report": fork_forever})
