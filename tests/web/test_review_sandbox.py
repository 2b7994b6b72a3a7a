"""An assessment's hands-on task in review and export: the candidate's latest sandbox run for the sitting
(status, score, each check's verdict) beside the written answers, blind when the review is blind, and
nothing of it for another organisation."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from prodready.accounts.models import Role
from sandbox.models import RunStatus, SandboxRun
from tests.factories import add_member, make_org, make_user
from tests.web.pages import browser, csrf_from, visible_text
from tests.web.test_sandbox_pages import RecordingDispatcher

QUESTION = "offline-model-to-production"
TASK = "churn-deploy"
ANSWER = "We would ship it behind a canary release, watch latency and drift, and roll back on alerts."
SERVICE_URL = "https://jane-doe-churn.example.com"


@pytest.fixture(autouse=True)
def dispatcher(live) -> Iterator[RecordingDispatcher]:
    """Runs are recorded, not executed: each test finishes them as a worker would."""
    original, live.app.state.sandbox_dispatcher = live.app.state.sandbox_dispatcher, RecordingDispatcher()
    yield live.app.state.sandbox_dispatcher
    live.app.state.sandbox_dispatcher = original


def build_and_invite(client, token, org, *, blind: bool = False, sandbox: bool = True) -> tuple[str, str]:
    created = client.post(f"/orgs/{org.slug}/assessments", data={
        "csrf_token": token, "title": "Platform screen", "question_ids": [QUESTION], "time_limit_minutes": "30",
        **({"blind_review": "1"} if blind else {}), **({"sandbox_task": TASK} if sandbox else {})})
    assert created.status_code == 303, created.text
    detail_url = created.headers["location"]
    assert client.post(detail_url + "/publish", data={"csrf_token": token}).status_code == 303
    invited = client.post(detail_url + "/invitations", data={"csrf_token": token, "email": "c@example.com"})
    link = re.search(r'value="(http[^"]+/invitations/[^"]+)"', invited.text).group(1)
    return detail_url, link.split("/invitations/")[1]


def start(candidate, ctoken, invite) -> str:
    started = candidate.post(f"/invitations/{invite}", data={"csrf_token": ctoken})
    assert started.status_code == 303, started.text
    return started.headers["location"]


def begin(live, org, people, **build) -> tuple:
    """The admin builds the assessment and invites; the candidate signs in and starts the sitting.

    (the admin's client, the assessment's page, the candidate's client and CSRF token, the sitting's page)
    """
    interviewer, token = browser(live, people["admin"])
    detail_url, invite = build_and_invite(interviewer, token, org, **build)
    candidate, ctoken = browser(live, people["candidate"])
    return interviewer, detail_url, candidate, ctoken, start(candidate, ctoken, invite)


def open_task_for(candidate, ctoken, org) -> str:
    """As the sitting page's button does: choose the organisation's context, land on the task page."""
    chosen = candidate.post("/account/context", data={"csrf_token": ctoken, "org": org.slug,
                                                      "next": f"/sandbox/tasks/{TASK}"})
    assert chosen.status_code == 303
    page = candidate.get(f"/sandbox/tasks/{TASK}")
    assert page.status_code == 200
    return page.text


def submit_url_run(candidate, ctoken, page: str, url: str = SERVICE_URL) -> str:
    sitting_field = re.search(r'name="sitting_id" value="([0-9a-f]+)"', page)
    data = {"csrf_token": ctoken, "url": url, **({"sitting_id": sitting_field.group(1)} if sitting_field else {})}
    response = candidate.post(f"/sandbox/tasks/{TASK}/url", data=data)
    assert response.status_code == 303, response.text
    return response.headers["location"].rsplit("/", 1)[1]


def finish(db, run_id: str, *, validation: str = "fail", score: float = 85.0) -> None:
    """Record a finished run as a worker would."""
    report = {"task_id": TASK, "target": SERVICE_URL, "verdict": "fail", "score": score, "reason": None, "checks": [
        {"id": "health", "title": "Health and readiness", "weight": 10, "verdict": "pass", "score": 1.0,
         "summary": "ok", "evidence": []},
        {"id": "validation", "title": "Input validation", "weight": 15, "verdict": validation, "score": 0.0,
         "summary": "A bad payload got a 500.", "evidence": []},
    ]}
    with db.unit_of_work() as session:
        run = session.get(SandboxRun, run_id)
        run.status, run.verdict, run.score, run.report = RunStatus.SUCCEEDED, "fail", score, report
        run.finished_at = datetime.now(UTC)
        session.add(run)


def answer_and_submit(candidate, ctoken, sitting_url: str) -> None:
    field = re.search(r'name="(answer-[0-9a-f]+)"', candidate.get(sitting_url).text).group(1)
    submitted = candidate.post(f"{sitting_url}/submit", data={"csrf_token": ctoken, field: ANSWER})
    assert submitted.status_code == 303


def run_row(db, run_id: str) -> SandboxRun:
    with db.unit_of_work(write=False) as session:
        return session.exec(select(SandboxRun).where(SandboxRun.id == run_id)).one()


def review_link(queue_html: str) -> str:
    return re.search(r'href="(/orgs/[^"]+/reviews/[0-9a-f]+)"', queue_html).group(1)


def export_urls(org, detail_url: str) -> tuple[str, str]:
    assessment_id = detail_url.rsplit("/", 1)[1]
    base = f"/api/v1/orgs/{org.slug}/assessments/{assessment_id}"
    return base + "/export.json", base + "/export.csv"


class TestLinkingARunToTheSitting:
    def test_the_task_page_says_the_run_counts_and_the_run_records_the_sitting(self, live, org_people, db):
        org, people = org_people
        interviewer, _detail, candidate, ctoken, sitting_url = begin(live, org, people)
        page = open_task_for(candidate, ctoken, org)
        assert "Runs you submit here count for your assessment “Platform screen”" in visible_text(page)
        run_id = submit_url_run(candidate, ctoken, page)
        run = run_row(db, run_id)
        assert run.sitting_id == sitting_url.rsplit("/", 1)[1] and run.org_id == org.id
        assert candidate.get(f"/api/v1/sandbox/runs/{run_id}").json()["sitting_id"] == run.sitting_id
        # The sitting page tells the candidate their run is in.
        assert "Your latest run for this assessment: queued" in visible_text(candidate.get(sitting_url).text)

    def test_practising_alone_attaches_no_sitting(self, live, org_people, db):
        org, people = org_people
        interviewer, token = browser(live, people["admin"])
        _detail, invite = build_and_invite(interviewer, token, org)
        candidate, ctoken = browser(live, people["candidate"])
        start(candidate, ctoken, invite)
        page = candidate.get(f"/sandbox/tasks/{TASK}").text  # no organisation chosen
        assert "count for your assessment" not in page and 'name="sitting_id"' not in page
        assert run_row(db, submit_url_run(candidate, ctoken, page)).sitting_id is None

    def test_another_persons_sitting_is_404(self, live, org_people, db):
        org, people = org_people
        interviewer, token = browser(live, people["admin"])
        _detail, invite = build_and_invite(interviewer, token, org)
        candidate, ctoken = browser(live, people["candidate"])
        sitting_id = start(candidate, ctoken, invite).rsplit("/", 1)[1]
        intruder, itoken = browser(live, make_user(db))
        response = intruder.post(f"/sandbox/tasks/{TASK}/url", data={
            "csrf_token": itoken, "url": SERVICE_URL, "sitting_id": sitting_id})
        assert response.status_code == 404
        assert intruder.get("/api/v1/sandbox/runs").json() == []

    def test_after_submitting_a_run_no_longer_counts_and_the_form_says_why(self, live, org_people, db):
        org, people = org_people
        interviewer, _detail, candidate, ctoken, sitting_url = begin(live, org, people)
        page = open_task_for(candidate, ctoken, org)  # opened while the sitting was open
        answer_and_submit(candidate, ctoken, sitting_url)
        response = candidate.post(f"/sandbox/tasks/{TASK}/url", data={
            "csrf_token": ctoken, "url": SERVICE_URL,
            "sitting_id": re.search(r'name="sitting_id" value="([0-9a-f]+)"', page).group(1)})
        assert response.status_code == 409
        assert "a run now would not count for it" in visible_text(response.text)
        assert 'role="alert"' in response.text
        assert candidate.get("/api/v1/sandbox/runs").json() == []
        # With the sitting closed, the task page no longer offers to count runs for it.
        assert "count for your assessment" not in candidate.get(f"/sandbox/tasks/{TASK}").text

    def test_when_the_time_is_over_the_run_is_refused_with_the_reason(self, live, org_people, db):
        org, people = org_people
        interviewer, token = browser(live, people["admin"])
        _detail, invite = build_and_invite(interviewer, token, org)
        candidate, ctoken = browser(live, people["candidate"])
        sitting_id = start(candidate, ctoken, invite).rsplit("/", 1)[1]
        live.app.state.clock = lambda: datetime.now(UTC) + timedelta(minutes=31)
        try:
            response = candidate.post(f"/sandbox/tasks/{TASK}/url", data={
                "csrf_token": ctoken, "url": SERVICE_URL, "sitting_id": sitting_id})
        finally:
            del live.app.state.clock
        assert response.status_code == 409 and "ran out" in visible_text(response.text)


class TestReviewShowsTheHandsOnTask:
    def test_the_latest_run_with_status_score_and_checks_is_beside_the_answers(self, live, org_people, db):
        org, people = org_people
        interviewer, detail_url, candidate, ctoken, sitting_url = begin(live, org, people)
        page = open_task_for(candidate, ctoken, org)
        first = submit_url_run(candidate, ctoken, page)
        finish(db, first, validation="fail", score=60.0)
        latest = submit_url_run(candidate, ctoken, page)
        finish(db, latest, validation="pass", score=85.0)
        answer_and_submit(candidate, ctoken, sitting_url)

        rater, _ = browser(live, people["rater"])
        queue = rater.get(detail_url + "/review")
        assert queue.status_code == 200
        text = visible_text(queue.text)
        assert "Hands-on task: churn-deploy" in text
        assert "succeeded, verdict fail" in text and "85/100" in text and "60/100" not in text
        assert "Health and readiness: passed" in text and "Input validation: passed" in text
        assert people["candidate"].display_name in text  # not blind: the candidate is named
        assert f'href="/sandbox/runs/{latest}"' in queue.text and first not in queue.text

        answer_page = rater.get(review_link(queue.text))
        text = visible_text(answer_page.text)
        assert "This candidate's hands-on task: churn-deploy" in text
        assert "Score: 85/100" in text and "2 of 2 checks passed" in text and "latest of 2 runs" in text
        # The run's evidence page opens for the organisation's reviewers.
        assert rater.get(f"/sandbox/runs/{latest}").status_code == 200

        review_json = rater.get(f"/api/v1/orgs/{org.slug}/assessments/{detail_url.rsplit('/', 1)[1]}/review").json()
        hands_on = review_json[0]["hands_on"]
        assert (hands_on["run_id"], hands_on["status"], hands_on["score"]) == (latest, "succeeded", 85.0)
        assert [(c["id"], c["passed"]) for c in hands_on["checks"]] == [("health", True), ("validation", True)]

    def test_a_candidate_without_a_run_is_shown_as_such(self, live, org_people, db):
        org, people = org_people
        interviewer, detail_url, candidate, ctoken, sitting_url = begin(live, org, people)
        # A practice run made alone is not the assessment's.
        finish(db, submit_url_run(candidate, ctoken, candidate.get(f"/sandbox/tasks/{TASK}").text))
        answer_and_submit(candidate, ctoken, sitting_url)
        queue = interviewer.get(detail_url + "/review").text
        assert "no run submitted" in visible_text(queue)
        assert "no run submitted" in visible_text(interviewer.get(review_link(queue)).text)
        json_url, csv_url = export_urls(org, detail_url)
        assert interviewer.get(json_url).json()["hands_on"][0]["run"] is None
        rows = list(csv.DictReader(io.StringIO(interviewer.get(csv_url).text)))
        assert rows[0]["hands_on_status"] == "no run"

    def test_an_assessment_without_the_task_shows_no_hands_on_section(self, live, org_people):
        org, people = org_people
        interviewer, token = browser(live, people["admin"])
        detail_url, invite = build_and_invite(interviewer, token, org, sandbox=False)
        candidate, ctoken = browser(live, people["candidate"])
        answer_and_submit(candidate, ctoken, start(candidate, ctoken, invite))
        queue = interviewer.get(detail_url + "/review").text
        assert "Hands-on task" not in queue and "hands-on" not in interviewer.get(review_link(queue)).text
        json_url, csv_url = export_urls(org, detail_url)
        assert "hands_on" not in interviewer.get(json_url).json()
        assert "hands_on_status" not in interviewer.get(csv_url).text


class TestExport:
    def test_json_and_csv_carry_the_run_beside_the_written_answers(self, live, org_people, db):
        org, people = org_people
        interviewer, detail_url, candidate, ctoken, sitting_url = begin(live, org, people)
        run_id = submit_url_run(candidate, ctoken, open_task_for(candidate, ctoken, org))
        finish(db, run_id, validation="fail", score=72.5)
        answer_and_submit(candidate, ctoken, sitting_url)

        json_url, csv_url = export_urls(org, detail_url)
        document = interviewer.get(json_url).json()
        assert document["sandbox_task"] == TASK and len(document["rows"]) == 1
        [entry] = document["hands_on"]
        assert entry["candidate"] == document["rows"][0]["candidate"]
        assert people["candidate"].email in entry["candidate"]
        run = entry["run"]
        assert (run["run_id"], run["status"], run["score"], run["verdict"]) == (run_id, "succeeded", 72.5, "fail")
        assert {c["id"]: (c["verdict"], c["passed"]) for c in run["checks"]} == {
            "health": ("pass", True), "validation": ("fail", False)}

        response = interviewer.get(csv_url)
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
        [row] = list(csv.DictReader(io.StringIO(response.text)))
        assert row["question_id"] == QUESTION
        assert (row["hands_on_status"], row["hands_on_score"], row["hands_on_verdict"]) == ("succeeded", "72.5", "fail")
        assert (row["check: health"], row["check: validation"]) == ("pass", "fail")

    def test_a_candidate_who_wrote_nothing_still_has_a_csv_row_for_the_task(self, live, org_people, db):
        org, people = org_people
        interviewer, detail_url, candidate, ctoken, sitting_url = begin(live, org, people)
        finish(db, submit_url_run(candidate, ctoken, open_task_for(candidate, ctoken, org)))
        assert candidate.post(f"{sitting_url}/submit", data={"csrf_token": ctoken}).status_code == 303
        _json_url, csv_url = export_urls(org, detail_url)
        [row] = list(csv.DictReader(io.StringIO(interviewer.get(csv_url).text)))
        assert row["question_id"] == "" and row["hands_on_status"] == "succeeded" and row["check: health"] == "pass"


class TestBlindReview:
    def test_nothing_names_the_candidate_in_the_queue_the_answer_page_or_the_exports(self, live, org_people, db):
        org, people = org_people
        interviewer, detail_url, candidate, ctoken, sitting_url = begin(live, org, people, blind=True)
        run_id = submit_url_run(candidate, ctoken, open_task_for(candidate, ctoken, org))
        finish(db, run_id)
        with db.unit_of_work() as session:  # an error text that names the candidate's service
            run = session.get(SandboxRun, run_id)
            run.error = f"could not reach {SERVICE_URL}"
            session.add(run)
        answer_and_submit(candidate, ctoken, sitting_url)
        candidate_user = people["candidate"]
        leaks = (candidate_user.email, candidate_user.display_name, run_id, "jane-doe", "/sandbox/runs/")

        rater, _ = browser(live, people["rater"])
        queue = rater.get(detail_url + "/review").text
        assert "Candidate 1" in visible_text(queue) and "85/100" in visible_text(queue)
        answer_page = rater.get(review_link(queue)).text
        assert "Input validation: fail" in visible_text(answer_page)
        json_url, csv_url = export_urls(org, detail_url)
        document = rater.get(json_url).text
        exported_csv = rater.get(csv_url).text
        review_json = rater.get(f"/api/v1/orgs/{org.slug}/assessments/{detail_url.rsplit('/', 1)[1]}/review").text
        for html_or_text in (queue, answer_page, document, exported_csv, review_json):
            for leak in leaks:
                assert leak not in html_or_text, leak
        assert rater.get(json_url).json()["hands_on"][0]["run"]["run_id"] is None
        assert "Candidate 1" in exported_csv and ",succeeded," in exported_csv


class TestOrganisationScope:
    def test_an_interviewer_of_another_organisation_gets_404_everywhere(self, live, org_people, db):
        org, people = org_people
        interviewer, detail_url, candidate, ctoken, sitting_url = begin(live, org, people)
        run_id = submit_url_run(candidate, ctoken, open_task_for(candidate, ctoken, org))
        finish(db, run_id)
        answer_and_submit(candidate, ctoken, sitting_url)
        review_url = review_link(interviewer.get(detail_url + "/review").text)

        other_admin = make_user(db)
        other_org = make_org(db, owner=other_admin, name="Other Co")
        other_rater = make_user(db)
        add_member(db, other_org, other_rater, Role.INTERVIEWER)
        outsider, _ = browser(live, other_rater)
        json_url, csv_url = export_urls(org, detail_url)
        assessment_id = detail_url.rsplit("/", 1)[1]
        for url in (detail_url + "/review", review_url, json_url, csv_url, f"/sandbox/runs/{run_id}",
                    f"/api/v1/orgs/{org.slug}/assessments/{assessment_id}/review"):
            assert outsider.get(url).status_code == 404, url
        # The same assessment id under the outsider's own organisation is not found either.
        own = f"/api/v1/orgs/{other_org.slug}/assessments/{assessment_id}"
        for url in (own + "/export.json", own + "/export.csv", f"/orgs/{other_org.slug}/assessments/{assessment_id}"
                    "/review"):
            assert outsider.get(url).status_code == 404, url

    def test_a_candidate_cannot_read_the_review_or_the_export(self, live, org_people, db):
        org, people = org_people
        interviewer, token = browser(live, people["admin"])
        detail_url, invite = build_and_invite(interviewer, token, org)
        candidate, ctoken = browser(live, people["candidate"])
        answer_and_submit(candidate, ctoken, start(candidate, ctoken, invite))
        json_url, _csv_url = export_urls(org, detail_url)
        assert candidate.get(detail_url + "/review").status_code == 403
        assert candidate.get(json_url).status_code == 403
        assert csrf_from(candidate.get("/account").text)
