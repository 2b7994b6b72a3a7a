"""The prepared runtime: built once, idempotent, refused clearly when missing."""

from __future__ import annotations

import json
import subprocess
import time

import pytest

from sandbox.runtime import (
    ALLOWLIST,
    STAMP_NAME,
    RuntimeBuildError,
    build_runtime,
    pinned_requirements,
    read_runtime,
)


def test_second_build_is_a_no_op(runtime_dir):
    stamp = (runtime_dir / STAMP_NAME).read_text()
    started = time.monotonic()
    info = build_runtime(runtime_dir)
    assert time.monotonic() - started < 5
    assert (runtime_dir / STAMP_NAME).read_text() == stamp
    assert info.digest == json.loads(stamp)["digest"]


def test_runtime_has_the_allowlist_and_nothing_installs_at_run_time(runtime_dir):
    info = read_runtime(runtime_dir)
    names = {req.split("==")[0] for req in info.requirements}
    assert names == set(ALLOWLIST)
    frozen = subprocess.run([info.python, "-c", "import pip"], capture_output=True)
    assert frozen.returncode != 0  # no pip inside the runtime


def test_pins_follow_the_platform_versions():
    from importlib import metadata

    pins = dict(req.split("==") for req in pinned_requirements() if "==" in req)
    assert pins["scikit-learn"] == metadata.version("scikit-learn")


def test_missing_runtime_says_how_to_build_it(tmp_path):
    with pytest.raises(RuntimeBuildError, match="prodready sandbox runtime"):
        read_runtime(tmp_path)
