"""Practising: answer, feedback in place or on its own page, try again; escaping and access control."""

from __future__ import annotations

import re

from tests.web.conftest import QUESTION_ID
from tests.web.pages import visible_text

GOOD_ANSWER = (
    "Requirements: retrain weekly with Airflow, because the data team already runs it. "
    "Approach: a DAG with validation, training and registration in MLflow, then a canary at 5% of traffic. "
    "Monitoring: p95 latency under 200 ms and drift checked with Evidently."
)
XSS_ANSWER = "Use a canary <script>alert(1)</script> and <img src=x onerror=alert(1)> then Airflow."


def submit(user, answer: str, **headers: str):
    return user.post(f"/bank/{QUESTION_ID}/attempts", {"answer": answer, "duration_seconds": "95"},
                     headers=headers)


class TestSubmit:
    def test_plain_form_redirects_to_the_attempt_page_with_feedback(self, signed_in) -> None:
        response = submit(signed_in, GOOD_ANSWER)
        assert response.status_code == 303 and response.headers["location"].startswith("/attempts/")
        html = signed_in.http.get(response.headers["location"]).text
        for heading in ("Feedback", "Missing required concepts", "Structure", "Pitfalls", "Vague claims",
                        "Model answer", "Rubric bands"):
            assert heading in html
        assert '<mark class="ev-' in html and "Answered in 1 min 35 s." in html

    def test_htmx_gets_the_feedback_fragment_and_the_url_to_push(self, signed_in) -> None:
        response = submit(signed_in, GOOD_ANSWER, **{"HX-Request": "true"})
        assert response.status_code == 200 and "<html" not in response.text
        assert response.headers["hx-push-url"].startswith("/attempts/")
        assert 'id="feedback-heading"' in response.text

    def test_trying_again_shows_previous_and_new_score(self, signed_in) -> None:
        first = submit(signed_in, "Airflow.")
        second = submit(signed_in, GOOD_ANSWER)
        html = signed_in.http.get(second.headers["location"]).text
        assert "Previous attempt:" in html and first.headers["location"] in html

    def test_empty_answer_keeps_the_form_with_an_error(self, signed_in) -> None:
        response = submit(signed_in, "   ", **{"HX-Request": "true"})
        assert response.status_code == 422 and "The answer is empty" in response.text
        assert '<textarea id="answer"' in response.text

    def test_answer_over_the_limit_is_refused(self, signed_in) -> None:
        response = submit(signed_in, "x" * 20_001)
        assert response.status_code in (413, 422)

    def test_answer_without_csrf_token_is_refused(self, signed_in) -> None:
        response = signed_in.http.post(f"/bank/{QUESTION_ID}/attempts", data={"answer": GOOD_ANSWER})
        assert response.status_code == 403
        assert signed_in.http.get("/api/v1/attempts").json() == []

    def test_anonymous_post_cannot_answer(self, client) -> None:
        response = client.post(f"/bank/{QUESTION_ID}/attempts", data={"answer": GOOD_ANSWER})
        assert response.status_code in (401, 403)


class TestEscaping:
    def test_answer_with_markup_renders_as_text_everywhere(self, signed_in) -> None:
        location = submit(signed_in, XSS_ANSWER).headers["location"]
        html = signed_in.http.get(location).text
        assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        highlighted = re.search(r'id="highlighted-answer">(.*?)</div>', html, re.S).group(1)
        # Section labels the page adds where a section starts are not the answer's text.
        answer_only = re.sub(r'<span class="section-label">[^<]*</span>', "", highlighted)
        assert visible_text(answer_only) == XSS_ANSWER  # every character shown, as text
        assert "<script" not in highlighted and "<img" not in highlighted


class TestAccess:
    def test_a_candidate_cannot_open_another_candidates_attempt(self, signed_in, other_person) -> None:
        location = submit(signed_in, GOOD_ANSWER).headers["location"]
        response = other_person.http.get(location)
        assert response.status_code == 404 and GOOD_ANSWER[:30] not in response.text

    def test_attempt_page_needs_sign_in(self, signed_in, client) -> None:
        location = submit(signed_in, GOOD_ANSWER).headers["location"]
        assert client.get(location).status_code == 303

    def test_page_and_json_twin_agree(self, signed_in) -> None:
        location = submit(signed_in, GOOD_ANSWER).headers["location"]
        body = signed_in.http.get(f"/api/v1{location}").json()
        html = signed_in.http.get(location).text
        assert f'<span class="score" id="score">{round(body["score"])}</span>' in html
