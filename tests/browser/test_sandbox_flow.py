"""A sandbox run in a real browser: from submitting a service URL to the results per check."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.kit import write_kit
from tests.browser.conftest import screenshot
from tests.sandbox.probe_support import Solutions

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Loopback is refused in production; here the platform probes a reference solution on this machine.
SITE_SETTINGS = {"sandbox_workers": 1, "sandbox_allow_loopback": True}
TASK = "churn-deploy"


@pytest.fixture(scope="module")
def solutions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Solutions]:
    kit = Path(tmp_path_factory.mktemp("kit")) / "churn"
    write_kit(TASK, kit)
    services = Solutions(kit)
    yield services
    services.stop()


def test_candidate_submits_a_url_and_reads_the_results(page, sign_up, solutions) -> None:
    sign_up()
    page.get_by_role("link", name="Sandbox task").click()
    page.click(f'a[href="/sandbox/tasks/{TASK}"]')
    assert page.get_by_role("link", name="Download the starter kit (.zip)").count() == 1
    screenshot(page, "sandbox-task")
    page.get_by_label("Service URL").fill(solutions.url("reference"))
    page.get_by_role("button", name="Probe my service").click()
    page.wait_for_url("**/sandbox/runs/*")
    # htmx polls the status every 2 s and stops once the run has finished
    page.wait_for_selector("#run-score", timeout=240_000)
    assert page.locator("section.check").count() >= 5
    assert page.locator("#run-status[hx-trigger]").count() == 0
    screenshot(page, "sandbox-run")
