"""A service that dies under bad input fails that check; the checks after it say they could not run."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from sandbox.kit import write_kit
from sandbox.prober import probe
from sandbox.report import CheckVerdict, OverallVerdict
from sandbox.tasks.churn_deploy.reference_service import ChurnService, create_app
from tests.sandbox.probe_support import TEST_OPTIONS


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    kit: Path = tmp_path_factory.mktemp("kit") / "churn"
    write_kit("churn-deploy", kit)
    return create_app(ChurnService.from_kit(kit))


def crashing_on_nan(app) -> httpx.MockTransport:
    """The reference app in process, until a NaN arrives: then the connection drops for good."""
    asgi = httpx.ASGITransport(app=app)
    crashed = False

    async def handle(request: httpx.Request) -> httpx.Response:
        nonlocal crashed
        if crashed or b"NaN" in request.content:
            crashed = True
            raise httpx.ConnectError("connection refused")
        return await asgi.handle_async_request(request)

    return httpx.MockTransport(handle)


def test_crash_fails_the_check_and_stops_the_probe(app) -> None:
    options = TEST_OPTIONS.model_copy(update={"checks": ("health", "validation", "metrics", "drift")})

    report = asyncio.run(
        probe("http://service", "churn-deploy", transport=crashing_on_nan(app), options=options)
    )

    verdicts = {check.id: check.verdict for check in report.checks}
    assert verdicts == {
        "health": CheckVerdict.passed,
        "validation": CheckVerdict.failed,
        "metrics": CheckVerdict.could_not_run,
        "drift": CheckVerdict.could_not_run,
    }
    assert report.verdict == OverallVerdict.failed
    validation = report.checks[1]
    assert "stopped answering" in validation.summary
    assert any(e.error and "ConnectError" in e.error for e in validation.evidence)
    assert "not run" in report.checks[2].summary
