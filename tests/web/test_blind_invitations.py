"""The invitation list of a blind-review assessment: raters (interviewers) see the blind label, never an
email; the organisation's admins, who manage the invitations, see emails but no blind label beside them."""

from __future__ import annotations

import re

import pytest

from prodready.accounts.models import Role
from tests.factories import add_member, make_org, make_user
from tests.web.pages import browser, visible_text

QUESTION = "offline-model-to-production"
FIRST, SECOND = "first.candidate@example.com", "second.candidate@example.com"


def build(client, token, org, *, blind: bool) -> str:
    created = client.post(f"/orgs/{org.slug}/assessments", data={
        "csrf_token": token, "title": "Screen", "question_ids": [QUESTION], "time_limit_minutes": "30",
        **({"blind_review": "1"} if blind else {})})
    assert created.status_code == 303, created.text
    detail_url = created.headers["location"]
    assert client.post(detail_url + "/publish", data={"csrf_token": token}).status_code == 303
    return detail_url


def invite(client, token, detail_url: str, email: str) -> tuple[str, str]:
    """(the page shown after inviting, the invitation token)"""
    invited = client.post(detail_url + "/invitations", data={"csrf_token": token, "email": email})
    assert invited.status_code == 200, invited.text
    link = re.search(r'value="(http[^"]+/invitations/[^"]+)"', invited.text).group(1)
    return invited.text, link.split("/invitations/")[1]


def invitation_table(html: str) -> str:
    start = html.index("<caption>Who was invited")
    return html[start:html.index("</table>", start)]


@pytest.fixture
def blind_with_one_started(live, org_people):
    """A blind assessment, two invitations; the first one opened by the candidate."""
    org, people = org_people
    admin, token = browser(live, people["admin"])
    detail_url = build(admin, token, org, blind=True)
    _page, first = invite(admin, token, detail_url, FIRST)
    invite(admin, token, detail_url, SECOND)
    candidate, ctoken = browser(live, people["candidate"])
    assert candidate.post(f"/invitations/{first}", data={"csrf_token": ctoken}).status_code == 303
    return org, people, admin, detail_url


class TestBlindInvitationList:
    def test_a_rater_sees_blind_labels_and_no_email(self, live, blind_with_one_started):
        org, people, _admin, detail_url = blind_with_one_started
        rater, _ = browser(live, people["rater"])
        page = rater.get(detail_url)
        assert page.status_code == 200
        table = visible_text(invitation_table(page.text))
        assert "Candidate 1" in table and "Not opened yet" in table
        assert "started" in table and "invited" in table
        for secret in (FIRST, SECOND, people["candidate"].email, "@example.com"):
            assert secret not in page.text, secret
        assert '<th scope="col">Candidate</th>' in page.text and '<th scope="col">Email</th>' not in page.text
        assert "the organisation's admins, who manage the invitations, see their emails" in visible_text(page.text)

    def test_an_admin_sees_the_emails_but_no_blind_label_beside_them(self, live, blind_with_one_started):
        _org, _people, admin, detail_url = blind_with_one_started
        page = admin.get(detail_url).text
        table = visible_text(invitation_table(page))
        assert FIRST in table and SECOND in table
        assert "Candidate 1" not in table and "Not opened yet" not in table
        assert '<th scope="col">Email</th>' in page
        assert "raters see “Candidate N” in this list instead of emails" in visible_text(page)

    def test_the_json_list_follows_the_same_rule(self, live, blind_with_one_started):
        org, people, admin, detail_url = blind_with_one_started
        url = f"/api/v1/orgs/{org.slug}/assessments/{detail_url.rsplit('/', 1)[1]}/invitations"
        rater, _ = browser(live, people["rater"])
        as_rater = rater.get(url)
        assert as_rater.status_code == 200
        assert [(r["email"], r["candidate"], r["state"]) for r in as_rater.json()] == [
            (None, "Candidate 1", "started"), (None, None, "invited")]
        assert "@example.com" not in as_rater.text
        as_admin = admin.get(url).json()
        assert [(r["email"], r["candidate"]) for r in as_admin] == [(FIRST, None), (SECOND, None)]

    def test_a_rater_who_invites_does_not_get_the_email_back_in_the_list(self, live, org_people):
        org, people = org_people
        admin, token = browser(live, people["admin"])
        detail_url = build(admin, token, org, blind=True)
        rater, rtoken = browser(live, people["rater"])
        page, _token = invite(rater, rtoken, detail_url, FIRST)
        assert "Send this single-use link now" in page
        assert FIRST not in page and "Not opened yet" in visible_text(invitation_table(page))

    def test_a_bad_email_is_refused_with_the_reason_and_no_email_is_listed(self, live, blind_with_one_started):
        _org, people, _admin, detail_url = blind_with_one_started
        rater, rtoken = browser(live, people["rater"])
        refused = rater.post(detail_url + "/invitations", data={"csrf_token": rtoken, "email": "not-an-address"})
        assert refused.status_code == 422 and "Give the candidate's email address." in visible_text(refused.text)
        assert FIRST not in refused.text and "Candidate 1" in visible_text(invitation_table(refused.text))


class TestWithoutBlindReview:
    def test_raters_see_the_emails(self, live, org_people):
        org, people = org_people
        admin, token = browser(live, people["admin"])
        detail_url = build(admin, token, org, blind=False)
        invite(admin, token, detail_url, FIRST)
        rater, _ = browser(live, people["rater"])
        page = rater.get(detail_url).text
        assert FIRST in visible_text(invitation_table(page)) and "Blind review:" not in page


class TestAccess:
    def test_an_interviewer_of_another_organisation_gets_404(self, live, blind_with_one_started, db):
        org, _people, _admin, detail_url = blind_with_one_started
        other_owner = make_user(db)
        other = make_org(db, owner=other_owner, name="Other Co")
        stranger = make_user(db)
        add_member(db, other, stranger, Role.INTERVIEWER)
        outsider, _ = browser(live, stranger)
        assert outsider.get(detail_url).status_code == 404
        api = f"/api/v1/orgs/{org.slug}/assessments/{detail_url.rsplit('/', 1)[1]}/invitations"
        assert outsider.get(api).status_code == 404

    def test_a_candidate_cannot_open_the_list(self, live, blind_with_one_started):
        _org, people, _admin, detail_url = blind_with_one_started
        candidate, _ = browser(live, people["candidate"])
        response = candidate.get(detail_url)
        assert response.status_code == 403 and FIRST not in response.text
