"""Assessments in a real browser: build, invite, take with the server's timer, reload, submit twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from practice.models import Attempt
from prodready.accounts.models import Role
from tests.browser.conftest import PASSWORD, screenshot
from tests.factories import add_member, make_org, make_user

pytestmark = pytest.mark.browser

QUESTIONS = ("offline-model-to-production", "batch-vs-online-inference")
FIRST = "Ship it behind a canary release to 5% of traffic, watch p95 latency and drift with PSI, then ramp up."
SECOND = "Batch scoring nightly for churn lists; online inference behind a REST endpoint when latency matters."


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def people(site):
    database = site.app.state.database
    made = {name: make_user(database, password=PASSWORD, display_name=name.title())
            for name in ("interviewer", "candidate")}
    org = make_org(database, owner=made["interviewer"], name="Browser Hiring")
    return org, made


def sign_in(page, user) -> None:
    page.goto("/signin")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/signin" not in url)


def build_and_invite(page, org, *, title: str, blind: bool = False) -> str:
    """As the interviewer: build from the bank with the filters, publish, invite; the invitation link."""
    page.goto(f"/orgs/{org.slug}/assessments")
    page.get_by_label("Title").fill(title)
    page.select_option("#f-stage", "deployment")
    page.wait_for_selector(f'input[value="{QUESTIONS[0]}"]')
    page.check(f'input[value="{QUESTIONS[0]}"]')
    page.fill("#f-q", "batch online")
    page.get_by_role("button", name="Filter questions").click()
    page.wait_for_selector(f'input[value="{QUESTIONS[1]}"]')
    page.check(f'input[value="{QUESTIONS[1]}"]')
    page.get_by_label("Time limit (minutes)").fill("20")
    if blind:
        page.check('input[name="blind_review"]')
    screenshot(page, "assessment-builder")
    page.get_by_role("button", name="Create", exact=True).click()
    page.wait_for_url("**/assessments/*")
    page.get_by_role("button", name="Publish (pins the questions' versions)").click()
    page.get_by_label("Candidate's email").fill("someone@example.com")
    page.get_by_role("button", name="Create invitation link").click()
    link = page.get_by_label("Invitation link").input_value()
    screenshot(page, "assessment-detail")
    return link


def test_candidate_takes_a_timed_assessment_reloads_and_submits_twice(browser, site, page, people) -> None:
    org, made = people
    sign_in(page, made["interviewer"])
    link = build_and_invite(page, org, title="Timed screen")
    clock = Clock()
    site.app.state.clock = clock
    candidate = browser.new_context(base_url=site.base_url, viewport={"width": 1280, "height": 900})
    try:
        cpage = candidate.new_page()
        sign_in(cpage, made["candidate"])
        cpage.goto(link)
        cpage.get_by_role("button", name="Start the assessment now").click()
        cpage.wait_for_selector("[data-countdown]")
        sitting_url = cpage.url
        assert "19:" in cpage.locator("[data-countdown]").inner_text() or "20:" in cpage.locator(
            "[data-countdown]").inner_text()
        boxes = cpage.locator("textarea")
        boxes.nth(0).fill(FIRST)
        boxes.nth(0).press("End")  # a keyup: htmx saves 3 s after typing stops
        cpage.locator(".field-hint", has_text="Saved at").first.wait_for(timeout=15_000)
        boxes.nth(1).fill(SECOND)
        screenshot(cpage, "assessment-take")
        # Leave and come back (a reload or another device): the pagehide beacon saved the second answer.
        cpage.goto("/bank")
        cpage.wait_for_timeout(500)
        cpage.goto(sitting_url)
        assert cpage.locator("textarea").nth(0).input_value() == FIRST
        assert cpage.locator("textarea").nth(1).input_value() == SECOND

        # The server's clock passes the deadline: a late change is refused and said so.
        clock.now += timedelta(minutes=21)
        cpage.locator("textarea").nth(1).fill(SECOND + " Written too late.")
        cpage.locator("textarea").nth(1).press("End")
        cpage.locator(".problem", has_text="time ran out").wait_for(timeout=15_000)
        screenshot(cpage, "assessment-time-over")

        # Two submits at once: one submission, one attempt per answer.
        token = cpage.locator("input[name=csrf_token]").first.input_value()
        statuses = cpage.evaluate("""async ([url, token]) => {
            const post = () => { const d = new FormData(); d.append('csrf_token', token);
                                 return fetch(url + '/submit', {method: 'POST', body: d}).then(r => r.status); };
            return Promise.all([post(), post()]);
        }""", [sitting_url, token])
        assert statuses == [200, 200]  # fetch follows the 303 to the sitting page
        cpage.goto(sitting_url)
        assert cpage.get_by_text("Submitted").first.is_visible()
        assert cpage.get_by_text("Written too late").count() == 0
        screenshot(cpage, "assessment-submitted")
        with site.app.state.database.unit_of_work(write=False) as session:
            attempts = session.exec(select(Attempt).where(Attempt.user_id == made["candidate"].id)).all()
        assert sorted(a.answer for a in attempts) == sorted([FIRST, SECOND])
        assert {a.source for a in attempts} == {"assessment"}
    finally:
        del site.app.state.clock
        candidate.close()


def test_interviewer_reviews_overrides_and_exports_and_two_raters_calibrate(browser, site, page, people) -> None:
    org, made = people
    rater = make_user(site.app.state.database, password=PASSWORD, display_name="Second Rater")
    add_member(site.app.state.database, org, rater, Role.INTERVIEWER)
    sign_in(page, made["interviewer"])
    link = build_and_invite(page, org, title="Blind screen", blind=True)
    candidate = browser.new_context(base_url=site.base_url)
    try:
        cpage = candidate.new_page()
        sign_in(cpage, made["candidate"])
        cpage.goto(link)
        cpage.get_by_role("button", name="Start the assessment now").click()
        cpage.locator("textarea").nth(0).fill(FIRST + " <script>alert(1)</script>")
        cpage.get_by_role("button", name="Submit the assessment").click()
        cpage.get_by_text("Submitted").first.wait_for()
    finally:
        candidate.close()

    detail_url = page.url.removesuffix("/invitations")  # the page that showed the new link
    page.goto(detail_url + "/review")
    assert page.get_by_role("rowheader", name="Candidate 1").count() == 1
    assert page.get_by_text(made["candidate"].email).count() == 0
    screenshot(page, "review-queue")
    page.locator("td a").first.click()
    page.wait_for_url("**/reviews/*")
    review_url = page.url
    assert page.locator("[data-answer] script").count() == 0
    page.get_by_label("Overall band").select_option("1")
    page.get_by_label("Comment").fill("Too thin on monitoring.")
    page.get_by_role("button", name="Save my rating").click()
    page.wait_for_selector("text=Nobody else has rated this answer yet.")
    screenshot(page, "review-answer")
    with page.expect_download() as download:
        page.goto(detail_url)
        page.get_by_role("link", name="Export CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("candidate,question_id") and "Candidate 1" in text
    assert "rater: Interviewer" in text

    second = browser.new_context(base_url=site.base_url, viewport={"width": 1280, "height": 900})
    try:
        rpage = second.new_page()
        sign_in(rpage, rater)
        rpage.goto(review_url)
        assert rpage.get_by_text("1 rating(s) so far").is_visible()
        assert rpage.get_by_text("Too thin on monitoring.").count() == 0
        rpage.get_by_label("Overall band").select_option("4")
        rpage.get_by_role("button", name="Save my rating").click()
        rpage.wait_for_selector("[data-other-ratings]")
        assert "Too thin on monitoring." in rpage.locator("[data-other-ratings]").inner_text()
        rpage.goto(detail_url + "/calibration")
        assert rpage.locator("[data-pairs]").is_visible()
        assert "2 or more bands" in rpage.locator("[data-flagged]").inner_text()
        screenshot(rpage, "review-calibration")
        rpage.goto(f"/orgs/{org.slug}/calibration/{QUESTIONS[0]}")
        rpage.get_by_label("Your band").first.select_option("3")
        rpage.get_by_role("button", name="Rate and compare").first.click()
        rpage.wait_for_selector("[data-comparison]")
        screenshot(rpage, "review-bank-calibration")
    finally:
        second.close()


def test_admin_page(page, people) -> None:
    org, made = people
    sign_in(page, made["interviewer"])
    page.goto(f"/orgs/{org.slug}/admin")
    page.get_by_label("Key name").fill("careers site")
    page.get_by_role("button", name="Create key").click()
    assert page.get_by_label("New API key").input_value().startswith("prk_")
    screenshot(page, "admin")
