"""A candidate in a real browser: sign up, browse, practise, highlighted feedback, try again, progress."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

QUESTION_ID = "airflow-vs-kubeflow-retraining-orchestration"
FIRST = "I would use Airflow."
BETTER = (
    "Requirements: retrain weekly, the data team already runs Airflow and we have no Kubernetes cluster.\n"
    "Approach: an Airflow DAG that validates data, trains, evaluates against the current model and registers "
    "the winner in MLflow; Kubeflow would add a cluster to operate for little gain.\n"
    "Deployment: a canary at 5% of traffic for 24 hours, watching p95 latency under 200 ms and error rate.\n"
    "Monitoring: drift checked daily with Evidently; a PSI above 0.2 triggers the retraining DAG."
)
XSS = "Canary first. <script>alert(1)</script> then <img src=x onerror=alert(1)> and Airflow."


def test_candidate_signs_up_practises_and_tries_again(page, sign_up) -> None:
    sign_up()
    page.get_by_label("Search").fill("airflw kubeflow")  # a typo: live filtering still finds it
    page.wait_for_selector('#result-count:has-text("matching")')
    page.wait_for_selector(f'a[href="/bank/{QUESTION_ID}"]')
    screenshot(page, "bank")
    page.click(f'a[href="/bank/{QUESTION_ID}"]')
    page.wait_for_url(f"**/bank/{QUESTION_ID}")
    page.get_by_role("button", name="Start timer").click()
    page.get_by_label("Your answer").fill(FIRST)
    screenshot(page, "question")
    page.get_by_role("button", name="Get feedback").click()
    page.wait_for_selector("#highlighted-answer")
    assert "/attempts/" in page.url  # htmx pushed the attempt's own URL
    first_score = int(page.locator("#score").inner_text())
    page.get_by_label("Try again: improve your answer").fill(BETTER)
    page.get_by_role("button", name="Get feedback").click()
    page.wait_for_selector("#score-change")
    assert page.locator("#highlighted-answer mark.ev-concept").count() > 0
    assert page.locator("#highlighted-answer .section-label").count() > 0
    second_score = int(page.locator("#score").inner_text())
    assert second_score > first_score
    assert f"Previous attempt: {first_score}" in page.locator("#score-change").inner_text()
    screenshot(page, "feedback")

    page.get_by_role("link", name="Progress").click()
    page.wait_for_selector("svg#score-chart")
    assert page.locator("svg#score-chart circle.dot").count() == 2
    screenshot(page, "progress")


def test_answer_with_markup_renders_inert(page, sign_up) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_up(display_name="<img src=x onerror=alert(2)>")
    page.goto(f"/bank/{QUESTION_ID}")
    page.get_by_label("Your answer").fill(XSS)
    page.get_by_role("button", name="Get feedback").click()
    page.wait_for_selector("#highlighted-answer")
    page.reload()  # the full page as well as the htmx fragment
    page.wait_for_selector("#highlighted-answer")
    assert " ".join(page.locator("#highlighted-answer").inner_text().split()).endswith(XSS)
    assert page.locator("#highlighted-answer script, #highlighted-answer img").count() == 0
    assert page.get_by_text("<img src=x onerror=alert(2)>").count() >= 1
    assert dialogs == []
    screenshot(page, "feedback-escaped")


def test_keyboard_reaches_the_answer_box_and_submit(page, sign_up) -> None:
    sign_up()
    page.goto(f"/bank/{QUESTION_ID}")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    reached: list[str] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        element = page.evaluate("[document.activeElement.id, document.activeElement.textContent.trim()]")
        reached.append(element[0] or element[1])
        if element[1] == "Get feedback":
            break
    assert "answer" in reached and reached[-1] == "Get feedback"
    assert reached.index("answer") < len(reached) - 1
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("Airflow with a canary rollout.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("#highlighted-answer")


def test_pages_work_without_javascript(browser, site) -> None:
    context = browser.new_context(base_url=site.base_url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/signup")
        page.get_by_label("Email").fill("nojs-person@example.com")
        page.get_by_label("Display name").fill("No JS")
        page.get_by_label("Password").fill("a long browser password")
        page.get_by_role("button", name="Sign up").click()
        page.wait_for_url("**/bank")
        page.select_option("#stage", "monitoring")
        page.get_by_role("button", name="Filter").click()
        page.wait_for_url("**/bank?*stage=monitoring*")
        page.goto(f"/bank/{QUESTION_ID}")
        page.get_by_label("Your answer").fill(BETTER)
        page.get_by_role("button", name="Get feedback").click()
        page.wait_for_url("**/attempts/*")
        assert page.locator("#highlighted-answer mark").count() > 0
    finally:
        context.close()
