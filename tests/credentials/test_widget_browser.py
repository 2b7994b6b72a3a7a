"""The badge in a real browser: a career site's page on a registered origin loads badge.js, the
iframe renders and resizes itself from postMessage; an unregistered origin cannot frame it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from credentials import origins, publishing
from prodready.accounts import service
from prodready.accounts.models import Membership, Role
from prodready.accounts.scope import OrgScope
from tests.browser.conftest import browser, site  # noqa: F401 - the shared browser fixtures
from tests.credentials.conftest import HOSTILE_NAME, add_attempt, question_versions

pytestmark = pytest.mark.browser


class CareerSite:
    """A page on another origin that embeds the badge, as a career site would."""

    def __init__(self, badge_base: str, public_id: str) -> None:
        html = (f'<!doctype html><html lang="en"><head><title>Jobs</title></head><body><h1>Candidate</h1>'
                f'<script src="{badge_base}/embed/badge.js"></script>'
                f'<prodready-badge profile="{public_id}" theme="dark"></prodready-badge></body></html>').encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                self.send_response(200)
                self.send_header("content-type", "text/html")
                self.end_headers()
                self.wfile.write(html)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def published(site) -> Iterator[tuple[str, CareerSite]]:  # noqa: F811
    database = site.app.state.database
    with database.unit_of_work() as session:
        owner = service.register_user(session, email="owner-browser@example.com", password="a long password 1",
                                      display_name="Owner")
        org = service.create_organisation(session, name="Jobs", slug="jobs-browser", owner=owner)
        candidate = service.register_user(session, email="cand-browser@example.com", password="a long password 1",
                                          display_name=HOSTILE_NAME)
        session.add(Membership(user_id=candidate.id, org_id=org.id, role=Role.CANDIDATE))
        session.flush()
        candidate_id, org_id = candidate.id, org.id
    for question in question_versions(database, count=4):
        with database.unit_of_work() as session:
            user = session.get(type(candidate), candidate_id)
        add_attempt(database, user, question, score=81.0, band=5)
    with database.unit_of_work() as session:
        public_id = publishing.publish(session, session.get(type(candidate), candidate_id), detail="areas",
                                       embed_org_ids=[org_id]).public_id
    career = CareerSite(site.base_url, public_id)
    with database.unit_of_work() as session:
        scope = OrgScope(session=session, org=session.get(type(org), org_id), role=Role.ADMIN, user=owner)
        origins.add_origin(scope, f"http://localhost:{career.port}")
    yield public_id, career
    career.server.shutdown()


def test_registered_origin_embeds_and_resizes(browser, published):  # noqa: F811
    _public_id, career = published
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"http://localhost:{career.port}/")
    frame_element = page.wait_for_selector("prodready-badge iframe")
    page.wait_for_function("document.querySelector('prodready-badge iframe').style.height !== '320px'")
    frame = frame_element.content_frame()
    assert frame.locator("h1").inner_text() == HOSTILE_NAME  # shown as text, never run
    height = int(frame_element.evaluate("f => parseInt(f.style.height)"))
    content = int(frame.evaluate("document.documentElement.getBoundingClientRect().height"))
    assert abs(height - content) <= 2
    assert dialogs == []
    context.close()


def test_unregistered_origin_cannot_frame_it(browser, published):  # noqa: F811
    _public_id, career = published
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"http://127.0.0.1:{career.port}/")  # the same page on an origin nobody registered
    frame_element = page.wait_for_selector("prodready-badge iframe")
    page.wait_for_timeout(1500)
    assert frame_element.evaluate("f => f.style.height") == "320px"  # never resized: CSP blocked the frame
    frame = frame_element.content_frame()
    assert frame is None or frame.url.startswith("chrome-error:") or "prodready" not in frame.content()
    context.close()
