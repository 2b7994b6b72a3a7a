"""The service manifest: how a submitted project tells the runner to start it.

A submission has `prodready-service.toml` at its root:

    [service]
    command = ["python", "-m", "uvicorn", "app.main:app", "--uds", "{socket}"]
    workdir = "."                       # relative to the project root
    startup_timeout_seconds = 30

The runner replaces `{socket}` with the path of a Unix socket it owns; the
service must listen there (there is no network inside the sandbox). Locally a
candidate runs the same app with `--port` instead and probes it by URL.
"""

from __future__ import annotations

import tomllib
from pathlib import Path, PurePosixPath

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

MANIFEST_NAME = "prodready-service.toml"
SOCKET_PLACEHOLDER = "{socket}"


class ManifestError(ValueError):
    """The manifest is missing or malformed; the message says what to fix."""


class ServiceSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    command: list[str] = Field(min_length=1, max_length=64)
    workdir: str = "."
    startup_timeout_seconds: float = Field(default=30, gt=0, le=120)

    @field_validator("command")
    @classmethod
    def _uses_socket(cls, value: list[str]) -> list[str]:
        if not any(SOCKET_PLACEHOLDER in part for part in value):
            raise ValueError(f"the command must listen on the runner's socket: put {SOCKET_PLACEHOLDER} in it")
        if any(not part or len(part) > 4096 for part in value):
            raise ValueError("command parts must be non-empty and shorter than 4096 characters")
        return value

    @field_validator("workdir")
    @classmethod
    def _relative_workdir(cls, value: str) -> str:
        path = PurePosixPath(value)
        if path.is_absolute() or ".." in path.parts:
            raise ValueError("workdir must be a path inside the project")
        return value

    def argv(self, socket_path: str) -> list[str]:
        return [part.replace(SOCKET_PLACEHOLDER, socket_path) for part in self.command]


class Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    service: ServiceSpec


def load_manifest(project_root: Path) -> Manifest:
    path = project_root / MANIFEST_NAME
    if not path.is_file():
        raise ManifestError(f"{MANIFEST_NAME} is missing at the root of the project")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{MANIFEST_NAME}: {exc}") from exc
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ManifestError(f"{MANIFEST_NAME}: {problems}") from exc
