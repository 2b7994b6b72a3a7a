"""Shared fixtures for the runner and isolation tests: the runtime, a work root, project archives."""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from pathlib import Path

import httpx
import pytest

from sandbox.isolation import detect_host, ensure_sandbox_user
from sandbox.runtime import RuntimeBuildError, build_runtime

PROJECTS = Path(__file__).parent
REPO = PROJECTS.parents[2]


def need(condition: bool, reason: str) -> None:
    """Skip when a host facility is missing; in CI (CI set) a missing facility is a failure."""
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must provide this: {reason}")
    pytest.skip(reason)


def _world_traversable(path: Path) -> bool:
    return all(p.stat().st_mode & 0o001 for p in [*path.parents] if p.exists())


def _runtime_path() -> Path:
    if os.environ.get("PRODREADY_TEST_RUNTIME_DIR"):
        return Path(os.environ["PRODREADY_TEST_RUNTIME_DIR"])
    local = REPO / ".cache" / "sandbox-runtime"
    # The unprivileged sandbox account must reach it; a checkout under /root would not do.
    if os.geteuid() != 0 or _world_traversable(local):
        return local
    return Path("/var/cache/prodready-test/sandbox-runtime")


@pytest.fixture(scope="session")
def host():
    if os.geteuid() == 0:
        ensure_sandbox_user()  # the setup step `prodready sandbox runtime` does the same
    return detect_host()


@pytest.fixture(scope="session")
def runtime_dir() -> Path:
    path = _runtime_path()
    try:
        build_runtime(path)
    except RuntimeBuildError as exc:
        need(False, f"the sandbox runtime cannot be built here: {exc}")
    return path


@pytest.fixture
def work_root():
    path = Path(tempfile.mkdtemp(prefix="prodready-runs-"))
    path.chmod(0o711)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def fully_isolated(host):
    need(not host.missing, "isolation layers missing here: " + "; ".join(
        f"{layer.name}: {layer.detail}" for layer in host.layers if not layer.active))
    return host


def project_archive(name: str, out_dir: Path, extra: dict[str, str] | None = None) -> Path:
    """Zip the fixture project `name` with the shared server helper and any extra files."""
    archive = out_dir / f"{name}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(PROJECTS / "_serve.py", "_serve.py")
        for path in sorted((PROJECTS / name).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                zf.write(path, path.relative_to(PROJECTS / name).as_posix())
        for filename, text in (extra or {}).items():
            zf.writestr(filename, text)
    return archive


async def fetch_report(base_url, task_id, *, transport=None, options=None):
    """A stand-in prober: one GET /report over the runner's transport."""
    async with httpx.AsyncClient(transport=transport, base_url=base_url, timeout=60) as client:
        response = await client.get("/report")
        response.raise_for_status()
        return response.json()
