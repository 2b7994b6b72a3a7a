"""The embeddable widget: its size in bytes and its response time over real HTTP on loopback.

    .venv/bin/python benchmarks/widget.py [--requests N]

Builds a throwaway SQLite service (migrated, bank loaded), a candidate with ten scored answers
and a published per-area profile, serves it with uvicorn on loopback and times N sequential
requests (after a warm-up) for: the widget page, the widget revalidated with its ETag (304),
the public JSON profile and the loader script, beside /healthz as the same-run baseline (the
floor of the framework and HTTP stack on this machine). Times are wall-clock, client side.
"""

from __future__ import annotations

import argparse
import gzip
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from credentials import publishing  # noqa: E402
from practice.models import Attempt  # noqa: E402
from prodready.accounts import service  # noqa: E402
from prodready.app import create_app  # noqa: E402
from prodready.settings import Settings  # noqa: E402
from prodready.startup import prepare  # noqa: E402
from question_bank.catalog import load_catalog  # noqa: E402


def seed(database) -> str:  # noqa: ANN001
    with database.unit_of_work() as session:
        user = service.register_user(session, email="bench@example.com", password="benchmark-password-1",
                                     display_name="Bench Candidate")
        for entry in list(load_catalog(session).entries.values())[:10]:
            session.add(Attempt(user_id=user.id, question_id=entry.question.id, question_version_id=entry.version_id,
                                answer="benchmark", score=72.0, band=4, confidence=0.8, scorer_version="bench",
                                result={}))
        session.flush()
        return publishing.publish(session, user, detail="areas", embed_org_ids=[]).public_id


def serve(app) -> tuple[uvicorn.Server, str]:  # noqa: ANN001
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False, lifespan="on"))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return server, f"http://127.0.0.1:{sock.getsockname()[1]}"


def timed(client: httpx.Client, path: str, n: int, headers: dict[str, str] | None = None) -> tuple[list[float], int]:
    for _ in range(10):
        client.get(path, headers=headers)
    times, status = [], 0
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(path, headers=headers)
        times.append((time.perf_counter() - start) * 1000)
        status = response.status_code
    return times, status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(data_dir=Path(data_dir), secret_key="benchmark-secret-key-0123456789abcdef",
                            log_level="WARNING", public_rate_limit="1000000/minute", sandbox_workers=0)
        database = prepare(settings)
        public_id = seed(database)
        server, base = serve(create_app(settings, database=database, configure_logs=False))
        try:
            with httpx.Client(base_url=base, timeout=10) as client:
                page = client.get(f"/embed/profiles/{public_id}")
                loader = client.get("/embed/badge.js")
                print(f"widget page: {len(page.content)} bytes ({len(gzip.compress(page.content))} gzipped); "
                      f"loader: {len(loader.content)} bytes ({len(gzip.compress(loader.content))} gzipped)")
                rows = [
                    ("/healthz (baseline)", "/healthz", None),
                    ("widget page", f"/embed/profiles/{public_id}", None),
                    ("widget page, compact dark", f"/embed/profiles/{public_id}?layout=compact&theme=dark", None),
                    ("widget revalidated (304)", f"/embed/profiles/{public_id}",
                     {"If-None-Match": page.headers["etag"]}),
                    ("public JSON profile", f"/api/v1/public/profiles/{public_id}", None),
                    ("loader badge.js", "/embed/badge.js", None),
                ]
                print(f"\n{'request':<28} {'status':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"
                      f"   (n={args.requests})")
                for label, path, headers in rows:
                    times, status = timed(client, path, args.requests, headers)
                    times.sort()
                    p95 = times[int(len(times) * 0.95) - 1]
                    print(f"{label:<28} {status:>6} {statistics.median(times):>8.2f} {p95:>8.2f} {times[-1]:>8.2f}")
        finally:
            server.should_exit = True
            database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
