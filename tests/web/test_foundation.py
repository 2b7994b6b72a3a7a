"""The page foundation: templates, static files, vendored htmx, error pages by URL, security headers."""

from __future__ import annotations

import hashlib

from tests.helpers import assert_problem
from tests.web.pages import elements
from web.static_files import STATIC_DIR

HTMX_FILE = "vendor/htmx-2.0.11.min.js"
HTMX_SHA256 = "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"


class TestBaseTemplate:
    def test_home_has_title_landmarks_skip_link_and_local_scripts(self, client) -> None:
        response = client.get("/")
        assert response.status_code == 200
        html = response.text
        assert "<title>Practise production ML · prodready</title>" in html
        assert '<a class="skip-link" href="#main">' in html
        assert '<main id="main"' in html and '<nav aria-label="Main">' in html and "<header" in html
        sources = [attrs["src"] for attrs in elements(html, "script")]
        assert sources and all(src.startswith("/static/") for src in sources)
        assert any("htmx-2.0.11.min.js" in src for src in sources)

    def test_pages_send_a_strict_content_security_policy(self, client) -> None:
        headers = client.get("/").headers
        assert "script-src 'self'" in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"


class TestStatic:
    def test_vendored_htmx_is_the_recorded_version(self, client) -> None:
        assert hashlib.sha256((STATIC_DIR / HTMX_FILE).read_bytes()).hexdigest() == HTMX_SHA256
        assert HTMX_SHA256 in (STATIC_DIR / "vendor" / "README.md").read_text()
        response = client.get(f"/static/{HTMX_FILE}")
        assert response.status_code == 200
        assert "javascript" in response.headers["content-type"]

    def test_stylesheet_is_served(self, client) -> None:
        assert client.get("/static/app.css").status_code == 200

    def test_static_paths_cannot_escape_the_folder(self, client) -> None:
        assert client.get("/static/../settings.py").status_code == 404
        assert client.get("/static/%2e%2e/web/static_files.py").status_code == 404


class TestErrorsBySurface:
    def test_unknown_page_gets_an_html_error_page(self, client) -> None:
        response = client.get("/no-such-page")
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "Page not found" in response.text and '<main id="main"' in response.text

    def test_unknown_api_path_keeps_problem_json(self, client) -> None:
        assert_problem(client.get("/api/v1/no-such-thing"), 404, "not-found")

    def test_page_that_needs_sign_in_redirects_to_sign_in(self, client) -> None:
        response = client.get("/account")
        assert response.status_code == 303
        assert response.headers["location"] == "/signin?next=/account"
