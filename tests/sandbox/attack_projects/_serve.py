"""A minimal HTTP server on the runner's Unix socket, stdlib only, shared by the attack fixtures."""

import json
import os
import socketserver
import sys
from http.server import BaseHTTPRequestHandler


def serve(routes):
    path = sys.argv[1]

    class Handler(BaseHTTPRequestHandler):
        def address_string(self):
            return "sandbox"

        def log_message(self, *args):
            pass

        def do_GET(self):
            handler = routes.get(self.path)
            status, body = (200, handler()) if handler else (404, {"error": "not found"})
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
        daemon_threads = True

    if os.path.exists(path):
        os.unlink(path)
    with Server(path, Handler) as server:
        server.serve_forever()


def attempt(action):
    """Run `action`; report what happened instead of raising."""
    try:
        return {"ok": True, "value": action()}
    except BaseException as exc:  # the report is the point
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}


def healthz():
    return {"status": "ok"}
