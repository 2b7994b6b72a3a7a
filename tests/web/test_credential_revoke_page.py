"""Revoking a verifiable credential from the /profile page: listed with its issue date and status, a Revoke
button (a POST form with the CSRF token) that asks first, then revokes with a clear message; no JavaScript.
Only the owner can revoke: anyone else gets 404 and the credential stays valid."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from credentials.models import IssuedCredential, WebhookDelivery, WebhookEndpoint
from credentials.profile import AREA_LABELS
from prodready.accounts.models import Role
from prodready.db import utcnow
from tests.credentials.conftest import add_attempt, question_versions
from tests.factories import add_member, make_org, make_user
from tests.web.pages import csrf_from, elements, visible_text

OVERALL = AREA_LABELS["overall"]


@pytest.fixture
def credential(signed_in, db) -> str:
    """The signed-in candidate has results and issues an overall credential through the profile page."""
    for question in question_versions(db, count=5):
        add_attempt(db, signed_in.user, question, score=78.0, band=5, confidence=0.85)
    issued = signed_in.post("/profile/credentials", {"skill": "overall"})
    assert issued.status_code == 200 and "Credential issued." in issued.text
    [record] = signed_in.http.get("/api/v1/credentials").json()
    return record["id"]


def stored(db, credential_id: str) -> IssuedCredential:
    with db.unit_of_work(write=False) as session:
        return session.exec(select(IssuedCredential).where(IssuedCredential.id == credential_id)).one()


def verdict(http, credential_id: str) -> str:
    token = next(c["jwt"] for c in http.get("/api/v1/credentials").json() if c["id"] == credential_id)
    return http.post("/api/v1/credentials/verify", json={"credential": token}).json()["reason"]


def row_of(html: str, credential_id: str) -> str:
    start = html.index(f'data-credential="{credential_id}"')
    return html[start:html.index("</tr>", start)]


class TestProfileLists:
    def test_each_credential_with_issue_date_status_and_a_revoke_form(self, signed_in, credential):
        html = signed_in.http.get("/profile").text
        row = row_of(html, credential)
        today = utcnow().strftime("%Y-%m-%d")
        assert OVERALL in visible_text(row) and today in row and ">valid<" in row
        action = f"/profile/credentials/{credential}/revoke"
        assert elements(row, "form") == [{"method": "post", "action": action, "class": "inline"}]
        assert 'name="csrf_token"' in row and csrf_from(row) == signed_in.csrf


class TestRevoking:
    def test_the_button_asks_first_and_revokes_only_when_confirmed(self, signed_in, credential, db):
        asked = signed_in.post(f"/profile/credentials/{credential}/revoke", {})
        assert asked.status_code == 200
        text = visible_text(asked.text)
        assert f"Revoke your {OVERALL} credential issued {utcnow():%Y-%m-%d}?" in text and "cannot be undone" in text
        assert 'name="confirm" value="yes"' in asked.text and csrf_from(asked.text) == signed_in.csrf
        assert stored(db, credential).revoked_at is None  # asking changed nothing
        assert verdict(signed_in.http, credential) == "valid"

        done = signed_in.post(f"/profile/credentials/{credential}/revoke", {"confirm": "yes"})
        assert done.status_code == 303
        assert done.headers["location"] == f"/profile?revoked={credential}#credentials-heading"
        page = signed_in.http.get(done.headers["location"]).text
        assert f"Your {OVERALL} credential issued {utcnow():%Y-%m-%d} is revoked: verifiers now refuse it." \
            in visible_text(page)
        row = row_of(page, credential)
        assert f"revoked {utcnow():%Y-%m-%d}" in row and "<form" not in row  # no button any more
        assert stored(db, credential).revoked_at is not None
        assert verdict(signed_in.http, credential) == "revoked"

    def test_the_confirmation_page_opens_by_link_too(self, signed_in, credential):
        page = signed_in.http.get(f"/profile/credentials/{credential}/revoke")
        assert page.status_code == 200 and "Yes, revoke this credential" in page.text
        assert page.headers["cache-control"] == "no-store"

    def test_revoking_twice_is_harmless_and_says_it_is_done(self, signed_in, credential, db):
        assert signed_in.post(f"/profile/credentials/{credential}/revoke", {"confirm": "yes"}).status_code == 303
        first = stored(db, credential).revoked_at
        again = signed_in.post(f"/profile/credentials/{credential}/revoke", {"confirm": "yes"})
        assert again.status_code == 303 and stored(db, credential).revoked_at == first
        page = signed_in.http.get(f"/profile/credentials/{credential}/revoke").text
        assert "there is nothing more to do" in visible_text(page) and 'name="confirm"' not in page

    def test_organisations_the_candidate_consented_to_are_told_once(self, signed_in, credential, db):
        owner = make_user(db)
        org = make_org(db, owner=owner, name="Hiring Co")
        add_member(db, org, signed_in.user, Role.CANDIDATE)
        with db.unit_of_work() as session:
            session.add(WebhookEndpoint(org_id=org.id, url="https://hooks.example.com/prodready",
                                        secret_encrypted="unused", event_types=["credential.revoked"]))
        assert signed_in.post(f"/profile/consents/{org.id}", {"grant": "yes"}).status_code == 303
        for _ in range(2):
            signed_in.post(f"/profile/credentials/{credential}/revoke", {"confirm": "yes"})
        with db.unit_of_work(write=False) as session:
            sent = session.exec(select(WebhookDelivery).where(WebhookDelivery.org_id == org.id)).all()
        assert [(d.event_type, d.payload["credential_id"]) for d in sent] == [("credential.revoked", credential)]


class TestOnlyTheOwner:
    def test_another_user_gets_404_and_the_credential_stays_valid(self, signed_in, other_person, credential, db):
        url = f"/profile/credentials/{credential}/revoke"
        assert other_person.http.get(url).status_code == 404
        asked = other_person.post(url, {})
        confirmed = other_person.post(url, {"confirm": "yes"})
        assert asked.status_code == confirmed.status_code == 404
        assert OVERALL not in visible_text(confirmed.text)
        assert stored(db, credential).revoked_at is None
        assert verdict(signed_in.http, credential) == "valid"
        # Nor does naming it on their own profile say anything about it.
        assert "is revoked" not in other_person.http.get(f"/profile?revoked={credential}").text

    def test_an_unknown_credential_is_404(self, signed_in):
        assert signed_in.post("/profile/credentials/" + "0" * 32 + "/revoke", {"confirm": "yes"}).status_code == 404

    def test_without_the_csrf_token_nothing_is_revoked(self, signed_in, credential, db):
        response = signed_in.http.post(f"/profile/credentials/{credential}/revoke", data={"confirm": "yes"})
        assert response.status_code == 403
        assert stored(db, credential).revoked_at is None

    def test_signed_out_visitors_are_sent_to_sign_in(self, live, credential):
        with live.client() as anyone:
            response = anyone.get(f"/profile/credentials/{credential}/revoke")
        assert response.status_code == 303 and response.headers["location"].startswith("/signin?next=")
        assert re.search(r"next=/profile/credentials/[0-9a-f]+/revoke", response.headers["location"])
