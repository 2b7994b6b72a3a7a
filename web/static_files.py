"""Static files under /static, with a content hash in the query so browsers may cache them long."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
STATIC_PREFIX = "/static"


@cache
def _digest(name: str) -> str:
    path = (STATIC_DIR / name).resolve()
    if not path.is_relative_to(STATIC_DIR.resolve()) or not path.is_file():
        raise FileNotFoundError(f"no static file {name!r}")
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def static_url(name: str) -> str:
    return f"{STATIC_PREFIX}/{name}?v={_digest(name)}"
