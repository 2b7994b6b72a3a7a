import json
import socket
from pathlib import Path

from _serve import attempt, healthz, serve

PORTS = json.loads(Path("targets.json").read_text())


def connect(host, port):
    with socket.create_connection((host, port), timeout=2) as conn:
        return conn.getpeername()


def connect_all():
    report = {}
    for port in PORTS:
        for host in ("127.0.0.1", "::1", "localhost", "10.0.2.2"):
            report[f"{host}:{port}"] = attempt(lambda h=host, p=port: connect(h, p))
    report["interfaces"] = attempt(lambda: socket.if_nameindex())
    return report


serve({"/healthz": healthz, "/report": connect_all})
