"""Settings of sandbox runs: unsafe values are refused, and `prodready worker` needs a queue."""

from __future__ import annotations

import argparse

import pytest
from pydantic import ValidationError

from prodready.db import Database
from sandbox.execute import from_report
from sandbox.jobs import build_dispatcher
from sandbox.jobs import cli as worker_cli
from sandbox.models import RunStatus
from tests.conftest import TEST_SECRET, make_settings

PRODUCTION = {"environment": "production", "secret_key": TEST_SECRET, "password_time_cost": 2,
              "password_memory_kib": 19456, "public_url": "https://prodready.example.com"}


def test_production_refuses_loopback_probes(tmp_path):
    with pytest.raises(ValidationError, match="PRODREADY_SANDBOX_ALLOW_LOOPBACK"):
        make_settings(tmp_path, **PRODUCTION, sandbox_allow_loopback=True)
    assert not make_settings(tmp_path, **PRODUCTION).sandbox_allow_loopback


def test_local_may_allow_loopback_for_self_checks(tmp_path):
    assert make_settings(tmp_path, sandbox_allow_loopback=True).sandbox_allow_loopback


def test_a_heartbeat_slower_than_half_the_lease_is_refused(tmp_path):
    with pytest.raises(ValidationError, match="HEARTBEAT"):
        make_settings(tmp_path, sandbox_lease_seconds=10, sandbox_heartbeat_seconds=6)


def test_worker_without_redis_explains_itself(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("PRODREADY_REDIS_URL", raising=False)
    monkeypatch.setenv("PRODREADY_DATA_DIR", str(tmp_path))
    assert worker_cli.handle(argparse.Namespace(concurrency=None)) == 2
    assert "PRODREADY_REDIS_URL" in capsys.readouterr().err


def test_a_mistyped_check_id_stops_the_start(tmp_path):
    settings = make_settings(tmp_path, sandbox_checks="health,helth")
    with pytest.raises(ValueError, match="helth"):
        build_dispatcher(Database.from_url("sqlite://"), settings)


def test_a_report_without_checks_is_not_a_pass():
    execution = from_report({"verdict": "pass", "score": 0, "checks": []}, {})
    assert execution.status == RunStatus.COULD_NOT_RUN and execution.verdict is None
