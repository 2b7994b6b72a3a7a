"""Helpers for page tests: read form tokens from HTML and sign in through the forms."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx

from tests.factories import DEFAULT_PASSWORD

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = _TOKEN.search(html)
    assert match, "the page has no csrf_token field"
    return match.group(1)


def browser(live, person) -> tuple[httpx.Client, str]:
    """A client signed in as `person` over real HTTP, and the CSRF token its pages carry."""
    client = live.client()
    return client, page_sign_in(client, person.email)


def page_sign_in(client: httpx.Client, email: str, password: str = DEFAULT_PASSWORD) -> str:
    """Sign in with the form; returns the session's CSRF token for later form posts."""
    token = csrf_from(client.get("/signin").text)
    response = client.post("/signin", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 303, response.text
    return csrf_from(client.get("/account").text)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def parse(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def visible_text(html: str) -> str:
    return " ".join("".join(parse(html).parts).split())


def elements(html: str, tag: str) -> list[dict[str, str | None]]:
    return [attrs for name, attrs in parse(html).tags if name == tag]
