import os
import socket

from _serve import healthz, serve


def report():
    return {"uid": os.getuid(), "env": sorted(os.environ), "hostname": socket.gethostname(),
            "root": sorted(os.listdir("/")), "cwd": os.getcwd()}


serve({"/healthz": healthz, "/report": report})
