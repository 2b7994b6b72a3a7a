"""The `prodready` command line: version, serve on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from prodready import __version__
from prodready.cli import main
from tests.services import require_postgres

REPO = Path(__file__).resolve().parents[2]


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"prodready {__version__}"


def test_help_starts_without_loading_the_scorer_or_the_sandbox_models():
    """Every command's parser is built at start; scikit-learn and pandas take seconds to import."""
    code = ("import sys; from prodready.cli import build_parser; build_parser().format_help(); "
            "print(sorted(m for m in ('sklearn', 'pandas', 'skops') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_no_command_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "serve" in capsys.readouterr().out


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve_until_ready(env: dict[str, str], cwd: Path) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "prodready.cli", "serve", "--demo", "--port", str(port)],
        cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited early:\n{process.stdout.read()}")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise AssertionError(f"serve never became ready:\n{process.stdout.read()}")


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRODREADY_")}
    env.update(PYTHONPATH=str(REPO), PRODREADY_PASSWORD_TIME_COST="1", PRODREADY_PASSWORD_MEMORY_KIB="1024", **extra)
    return env


@pytest.mark.slow
def test_serve_creates_and_migrates_sqlite_in_the_data_dir(tmp_path):
    process, base = _serve_until_ready(_env(PRODREADY_DATA_DIR=str(tmp_path / "data")), tmp_path)
    try:
        assert (tmp_path / "data" / "prodready.db").exists()
        assert (tmp_path / "data" / "secret_key").exists()
        for path in ("/healthz", "/metrics", "/docs"):
            assert httpx.get(base + path).status_code == 200, path
        login = httpx.post(f"{base}/api/v1/auth/login",
                           json={"email": "candidate@demo.prodready.dev", "password": "prodready-demo"})
        assert login.status_code == 200
        # the demo candidate has a practice history and a published profile to look at
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        assert len(httpx.get(f"{base}/api/v1/attempts", headers=headers).json()) == 4
        assert httpx.get(f"{base}/api/v1/profile", headers=headers).json()["publication"]["published"]
    finally:
        _stop(process)


@pytest.mark.slow
def test_serve_on_postgresql_creates_the_schema_by_migrations(tmp_path, database_url_factory):
    require_postgres()
    url = database_url_factory("postgres")
    process, base = _serve_until_ready(_env(PRODREADY_DATA_DIR=str(tmp_path), PRODREADY_DATABASE_URL=url), tmp_path)
    try:
        ready = httpx.get(f"{base}/readyz").json()
        assert "postgresql reachable" in ready["checks"]["database"]["detail"]
        assert ready["checks"]["schema"]["ok"]
    finally:
        _stop(process)
