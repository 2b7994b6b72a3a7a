"""The prepared runtime: a Python venv with an allowlist of packages, built once, read-only in runs.

Network is needed only here, never inside a run. Packages are pinned to the versions the
platform itself uses, so a model the platform trained loads identically in the sandbox (and
pip can reuse its cached wheels). A stamp file holding the hash of the pinned list and the
base interpreter makes the build idempotent; it is written last, so a half-built runtime is
rebuilt on the next call.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

ALLOWLIST = (
    "fastapi",
    "uvicorn",
    "pydantic",
    "scikit-learn",
    "numpy",
    "scipy",
    "pandas",
    "joblib",
    "skops",
    "prometheus-client",
)
STAMP_NAME = "prodready-runtime.json"
# The sandbox sees /usr read-only; a base interpreter there needs no extra bind (a pyenv
# interpreter under /root is unreachable for the unprivileged sandbox user).
SYSTEM_PYTHON = Path("/usr/bin/python3")


class RuntimeBuildError(RuntimeError):
    """The runtime could not be built or is not built yet; the message says what to do."""


@dataclass(frozen=True)
class RuntimeInfo:
    path: str
    python: str
    base_prefix: str
    python_version: str
    requirements: list[str]
    digest: str


def pinned_requirements(packages: tuple[str, ...] = ALLOWLIST) -> list[str]:
    """Pin each allowlisted package to the platform's installed version when it has one."""
    pins = []
    for name in packages:
        try:
            pins.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            pins.append(name)
    return pins


def _base_python(base_python: Path | None) -> Path:
    if base_python is not None:
        return base_python
    if SYSTEM_PYTHON.exists():
        version = subprocess.run(
            [str(SYSTEM_PYTHON), "-c", "import sys; print(sys.version_info[:2] >= (3, 11))"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        if version == "True":
            return SYSTEM_PYTHON
    return Path(sys.executable)


def _interpreter_facts(python: Path) -> tuple[str, str]:
    out = subprocess.run(
        [str(python), "-c", "import sys, platform; print(sys.base_prefix); print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    return out[0], out[1]


def _digest(requirements: list[str], base: Path, version: str) -> str:
    payload = json.dumps({"requirements": requirements, "base": str(base), "version": version})
    return hashlib.sha256(payload.encode()).hexdigest()


def read_runtime(target_dir: Path) -> RuntimeInfo:
    """The stamp of a built runtime, or RuntimeBuildError telling how to build it."""
    stamp = Path(target_dir) / STAMP_NAME
    try:
        info = RuntimeInfo(**json.loads(stamp.read_text()))
    except (OSError, ValueError, TypeError) as exc:
        raise RuntimeBuildError(
            f"no sandbox runtime at {target_dir}: build it with `prodready sandbox runtime`"
        ) from exc
    if not Path(info.python).exists():
        raise RuntimeBuildError(f"the sandbox runtime at {target_dir} is damaged: rebuild it")
    return info


def build_runtime(
    target_dir: Path,
    *,
    base_python: Path | None = None,
    requirements: list[str] | None = None,
    pip_args: tuple[str, ...] = (),
) -> RuntimeInfo:
    """Build (or confirm) the runtime venv at `target_dir`; idempotent and safe to run concurrently."""
    target_dir = Path(target_dir).absolute()
    requirements = requirements if requirements is not None else pinned_requirements()
    base = _base_python(base_python)
    base_prefix, version = _interpreter_facts(base)
    digest = _digest(requirements, base, version)
    target_dir.parent.mkdir(parents=True, exist_ok=True)
    with open(target_dir.parent / f".{target_dir.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            current = read_runtime(target_dir)
            if current.digest == digest:
                return current
        except RuntimeBuildError:
            pass
        if target_dir.exists():
            shutil.rmtree(target_dir)
        steps = [
            [str(base), "-m", "venv", "--without-pip", str(target_dir)],
            [
                sys.executable,
                "-m",
                "pip",
                "--python",
                str(target_dir / "bin" / "python"),
                "install",
                "--disable-pip-version-check",
                "--no-input",
                "--only-binary=:all:",
                *pip_args,
                *requirements,
            ],
            [
                str(target_dir / "bin" / "python"),
                "-c",
                "import fastapi, uvicorn, pydantic, sklearn, numpy, scipy, pandas, joblib, skops, "
                "prometheus_client",
            ],
        ]
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True)
            if done.returncode != 0:
                raise RuntimeBuildError(
                    f"building the sandbox runtime failed at {step[:3]}: {done.stderr[-2000:]}"
                )
        info = RuntimeInfo(
            path=str(target_dir),
            python=str(target_dir / "bin" / "python"),
            base_prefix=base_prefix,
            python_version=version,
            requirements=requirements,
            digest=digest,
        )
        (target_dir / STAMP_NAME).write_text(json.dumps(asdict(info), indent=2))
        target_dir.chmod(0o755)
        return info
