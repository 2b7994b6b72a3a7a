"""Page-test fixtures: a signed-in browser-like client (cookies kept, CSRF token read from the pages)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from prodready.accounts.models import Role, User
from tests.factories import add_member, make_org, make_user
from tests.web.pages import csrf_from, page_sign_in

QUESTION_ID = "airflow-vs-kubeflow-retraining-orchestration"
XSS_NAME = "<script>alert(1)</script><img src=x onerror=alert(1)>"


@dataclass
class PageUser:
    user: User
    http: httpx.Client
    csrf: str

    def post(self, url: str, data: dict[str, str], **kwargs: object) -> httpx.Response:
        return self.http.post(url, data={"csrf_token": self.csrf, **data}, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def signed_in(live, db) -> Iterator[PageUser]:
    user = make_user(db, display_name=XSS_NAME)
    with live.client() as http:
        yield PageUser(user, http, page_sign_in(http, user.email))


@pytest.fixture
def other_person(live, db) -> Iterator[PageUser]:
    user = make_user(db, display_name="Another Candidate")
    with live.client() as http:
        yield PageUser(user, http, page_sign_in(http, user.email))


def form_token(http: httpx.Client, url: str) -> str:
    return csrf_from(http.get(url).text)


@pytest.fixture
def org_people(db):
    """An organisation with an admin (its owner), an interviewer who rates, and a candidate."""
    people = {n: make_user(db, display_name=f"{n.title()} Person") for n in ("admin", "rater", "candidate")}
    org = make_org(db, owner=people["admin"], name="Acme Hiring")
    add_member(db, org, people["rater"], Role.INTERVIEWER)
    return org, people
