"""Assessment pages over HTTP: build, invite, take (autosave, reload, submit twice), review, admin."""

from __future__ import annotations

import re

import pytest

from prodready.accounts.models import Role
from tests.factories import add_member, make_org, make_user
from tests.web.pages import page_sign_in, visible_text

QUESTION = "offline-model-to-production"
XSS = '<script>alert(1)</script><img src=x onerror="alert(2)"> We would use a canary release and monitor drift.'


@pytest.fixture
def org_people(db):
    people = {n: make_user(db, display_name=n.title()) for n in ("admin", "rater", "candidate")}
    org = make_org(db, owner=people["admin"], name="Acme <Hiring>")
    add_member(db, org, people["rater"], Role.INTERVIEWER)
    return org, people


def browser(live, person):
    client = live.client()
    token = page_sign_in(client, person.email)
    return client, token


def build_and_invite(client, token, org, *, blind=False, sandbox=False) -> tuple[str, str]:
    created = client.post(f"/orgs/{org.slug}/assessments", data={
        "csrf_token": token, "title": "Screen <b>one</b>", "question_ids": [QUESTION], "time_limit_minutes": "30",
        **({"blind_review": "1"} if blind else {}), **({"sandbox_task": "churn-deploy"} if sandbox else {})})
    assert created.status_code == 303, created.text
    detail_url = created.headers["location"]
    assert client.post(detail_url + "/publish", data={"csrf_token": token}).status_code == 303
    invited = client.post(detail_url + "/invitations", data={"csrf_token": token, "email": "c@example.com"})
    assert invited.status_code == 200
    link = re.search(r'value="(http[^"]+/invitations/[^"]+)"', invited.text).group(1)
    assert "Screen &lt;b&gt;one&lt;/b&gt;" in invited.text
    return detail_url, link.split("/invitations/")[1]


class TestTakingPages:
    def test_a_candidate_takes_it_and_drafts_survive_a_reload(self, live, org_people):
        org, people = org_people
        interviewer, token = browser(live, people["admin"])
        detail_url, invite = build_and_invite(interviewer, token, org)
        candidate, ctoken = browser(live, people["candidate"])
        landing = candidate.get(f"/invitations/{invite}")
        assert landing.status_code == 200 and "Start the assessment now" in landing.text
        assert landing.headers["cache-control"] == "no-store"
        started = candidate.post(f"/invitations/{invite}", data={"csrf_token": ctoken})
        sitting_url = started.headers["location"]
        page = candidate.get(sitting_url).text
        assert 'hx-history="false"' in page and 'hx-trigger="keyup changed delay:3s, every 10s"' in page
        assert "model answer" not in page.lower() and "band 5" not in page.lower()
        field = re.search(r'name="(answer-[0-9a-f]+)"', page).group(1)
        saved = candidate.post(f"{sitting_url}/answers/{field[7:]}", data={"csrf_token": ctoken, field: XSS})
        assert saved.status_code == 200 and "Saved at" in saved.text
        reloaded = candidate.get(sitting_url).text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in reloaded and "<script>alert(1)" not in reloaded
        # A second browser (another device) resumes the same drafts through the same link.
        other, otoken = browser(live, people["candidate"])
        again = other.post(f"/invitations/{invite}", data={"csrf_token": otoken})
        assert again.headers["location"] == sitting_url
        first = candidate.post(f"{sitting_url}/submit", data={"csrf_token": ctoken, field: XSS})
        second = candidate.post(f"{sitting_url}/submit", data={"csrf_token": ctoken})
        assert first.status_code == second.status_code == 303
        done = candidate.get(sitting_url).text
        assert "Submitted" in done and done.count("Submitted") >= 1
        mine = candidate.get(f"/orgs/{org.slug}/sittings").text
        assert "Screen &lt;b&gt;one&lt;/b&gt;" in mine and "submitted" in mine
        # The link is now used: someone else gets a clear page.
        stranger, stoken = browser(live, people["rater"])
        used = stranger.get(f"/invitations/{invite}")
        assert used.status_code == 409 and "already been used" in visible_text(used.text)

    def test_the_hands_on_task_opens_in_the_organisations_context(self, live, org_people):
        org, people = org_people
        interviewer, token = browser(live, people["admin"])
        _detail, invite = build_and_invite(interviewer, token, org, sandbox=True)
        candidate, ctoken = browser(live, people["candidate"])
        sitting_url = candidate.post(f"/invitations/{invite}", data={"csrf_token": ctoken}).headers["location"]
        page = candidate.get(sitting_url).text
        assert "Hands-on task: churn-deploy" in page
        assert 'name="next" value="/sandbox/tasks/churn-deploy"' in page and f'value="{org.slug}"' in page
        chosen = candidate.post("/account/context", data={"csrf_token": ctoken, "org": org.slug,
                                                          "next": "/sandbox/tasks/churn-deploy"})
        assert chosen.status_code == 303 and chosen.headers["location"] == "/sandbox/tasks/churn-deploy"
        task = candidate.get("/sandbox/tasks/churn-deploy")  # the client keeps the context cookie
        assert task.status_code == 200

    def test_saving_without_the_csrf_token_is_refused(self, live, org_people):
        org, people = org_people
        interviewer, token = browser(live, people["admin"])
        _detail, invite = build_and_invite(interviewer, token, org)
        candidate, ctoken = browser(live, people["candidate"])
        sitting_url = candidate.post(f"/invitations/{invite}", data={"csrf_token": ctoken}).headers["location"]
        field = re.search(r'name="(answer-[0-9a-f]+)"', candidate.get(sitting_url).text).group(1)
        assert candidate.post(f"{sitting_url}/answers/{field[7:]}", data={field: "forged"}).status_code == 403


class TestReviewPages:
    def test_an_interviewer_reviews_blind_and_the_answer_is_inert(self, live, org_people):
        org, people = org_people
        interviewer, token = browser(live, people["admin"])
        detail_url, invite = build_and_invite(interviewer, token, org, blind=True)
        candidate, ctoken = browser(live, people["candidate"])
        sitting_url = candidate.post(f"/invitations/{invite}", data={"csrf_token": ctoken}).headers["location"]
        field = re.search(r'name="(answer-[0-9a-f]+)"', candidate.get(sitting_url).text).group(1)
        candidate.post(f"{sitting_url}/submit", data={"csrf_token": ctoken, field: XSS})
        queue = interviewer.get(detail_url + "/review").text
        assert "Candidate 1" in queue and people["candidate"].email not in queue
        review_url = re.search(r'href="(/orgs/[^"]+/reviews/[0-9a-f]+)"', queue).group(1)
        page = interviewer.get(review_url).text
        assert "<script>alert(1)" not in page and "&lt;script&gt;" in page and "onerror=\"alert" not in page
        rated = interviewer.post(review_url + "/rating", data={"csrf_token": token, "band": "2",
                                                               "comment": "<i>thin</i>"})
        assert rated.status_code == 303
        rater, rtoken = browser(live, people["rater"])
        assert "1 rating(s) so far" in rater.get(review_url).text
        rater.post(review_url + "/rating", data={"csrf_token": rtoken, "band": "5"})
        seen = rater.get(review_url).text
        assert "&lt;i&gt;thin&lt;/i&gt;" in seen
        calibration = rater.get(detail_url + "/calibration").text
        assert "Flagged for adjudication" in calibration and "2 or more bands" in calibration

    def test_an_outsider_gets_404_on_every_page(self, live, org_people, db):
        org, people = org_people
        interviewer, token = browser(live, people["admin"])
        detail_url, _invite = build_and_invite(interviewer, token, org)
        outsider_user = make_user(db)
        outsider, _ = browser(live, outsider_user)
        for url in (detail_url, detail_url + "/review", detail_url + "/calibration", f"/orgs/{org.slug}/admin"):
            assert outsider.get(url).status_code == 404, url


class TestAdminPages:
    def test_an_admin_renames_adds_a_member_and_creates_a_key_shown_once(self, live, org_people, db):
        org, people = org_people
        admin, token = browser(live, people["admin"])
        base = f"/orgs/{org.slug}/admin"
        page = admin.get(base).text
        assert "Acme &lt;Hiring&gt;" in page
        assert admin.post(base + "/name", data={"csrf_token": token, "name": "Acme Hiring"}).status_code == 303
        newcomer = make_user(db)
        assert admin.post(base + "/members", data={"csrf_token": token, "email": newcomer.email,
                                                   "role": "interviewer"}).status_code == 303
        created = admin.post(base + "/keys", data={"csrf_token": token, "name": "careers site"})
        secret = re.search(r'value="(prk_[^"]+)"', created.text).group(1)
        assert secret not in admin.get(base).text
        last_admin = admin.post(f"{base}/members/{people['admin'].id}/role", data={"csrf_token": token,
                                                                                  "role": "candidate"})
        assert last_admin.status_code == 409 and "at least one admin" in last_admin.text

    def test_interviewers_cannot_open_the_admin_page(self, live, org_people):
        org, people = org_people
        rater, _ = browser(live, people["rater"])
        assert rater.get(f"/orgs/{org.slug}/admin").status_code == 403

    def test_forms_without_the_csrf_token_are_refused(self, live, org_people):
        org, people = org_people
        admin, _token = browser(live, people["admin"])
        assert admin.post(f"/orgs/{org.slug}/admin/name", data={"name": "Hijacked"}).status_code == 403
