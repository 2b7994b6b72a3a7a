"""Browser tests: Playwright for Python driving Debian's chromium against a real server.

Each test module gets its own migrated SQLite database, app and server (the
browser's requests are concurrent, so the per-test rolled-back `live` server
does not fit). Without /usr/bin/chromium the tests skip, unless CI is set.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from prodready import migrate
from prodready.app import create_app
from prodready.db import Database
from question_bank.sync import sync_bank
from tests.conftest import bundled_bank, make_settings
from tests.live_server import LiveServer, start_live_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--headless", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "a long browser password"


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing; CI must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A migrated SQLite database with the bank, and the whole app served on loopback, for this module.

    A module may set `SITE_SETTINGS = {...}` to override settings (e.g. to run sandbox workers)."""
    overrides = {"sandbox_workers": 0, **getattr(request.module, "SITE_SETTINGS", {})}
    data_dir = tmp_path_factory.mktemp("browser-site")
    database = Database.from_url(f"sqlite:///{data_dir / 'prodready.db'}")
    migrate.upgrade_to_head(database.engine)
    with database.unit_of_work() as session:
        sync_bank(session, bundled_bank())
    app = create_app(make_settings(data_dir, **overrides), database=database, configure_logs=False)
    server = start_live_server(app)
    yield server
    server.stop()
    database.dispose()


@pytest.fixture
def page(browser, site: LiveServer) -> Iterator:
    context = browser.new_context(base_url=site.base_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    context.close()


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    display_name: str


@pytest.fixture
def sign_up(page) -> Callable[..., Account]:
    """Sign up through the page (which signs in); returns the account for later sign-ins."""

    def go(display_name: str = "Browser Candidate") -> Account:
        account = Account(f"browser-{uuid.uuid4().hex[:8]}@example.com", PASSWORD, display_name)
        page.goto("/signup")
        page.get_by_label("Email").fill(account.email)
        page.get_by_label("Display name").fill(display_name)
        page.get_by_label("Password").fill(account.password)
        page.get_by_role("button", name="Sign up").click()
        page.wait_for_url("**/bank")
        return account

    return go


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
