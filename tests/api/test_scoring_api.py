"""POST /api/v1/score and practice attempts over real HTTP."""

from __future__ import annotations

import pytest

from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import assert_problem, sign_in

QUESTION = "offline-model-to-production"


@pytest.fixture
def signed(client, db):
    user = make_user(db)
    return sign_in(client, user.email, DEFAULT_PASSWORD)


def calibration(client, signed_headers, band):
    # The interviewer view is not needed: the bank's calibration answers are read from the files.
    from question_bank.loader import load_bank

    question = load_bank().questions[QUESTION].question
    return next(c.answer for c in question.calibration if c.band == band)


class TestStatelessScore:
    def test_scores_by_question_id_with_evidence_offsets(self, client, signed):
        answer = ("We would ship it behind a canary release to 5% of traffic, monitor data drift with PSI and "
                  "p95 latency, and retrain when drift passes 0.2.")
        body = client.post("/api/v1/score", headers=signed.headers,
                           json={"question_id": QUESTION, "answer": answer}).json()
        result = body["result"]
        assert 0 <= result["score"] <= 100 and 1 <= result["band"] <= 5 and result["scorer_version"]
        for match in result["evidence"]["concepts"]:
            assert answer[match["start"]:match["end"]] == match["matched_text"]

    def test_reference_mode_needs_no_rubric(self, client):
        body = client.post("/api/v1/score", json={
            "question": "What is a stack?",
            "reference_answer": "A data structure where the last element pushed is the first popped (LIFO).",
            "answer": "A stack is last in, first out: you push and pop from the top.",
        })
        assert body.status_code == 200, body.text
        assert body.json()["question_id"] is None

    def test_both_modes_at_once_is_a_422_problem(self, client):
        response = client.post("/api/v1/score", json={"question_id": QUESTION, "question": "x",
                                                       "reference_answer": "y", "answer": "z"})
        assert_problem(response, 422, "validation-error")

    @pytest.mark.parametrize(("answer", "message"), [
        ("   \n\t ", "empty"),
        ("binary\x00data", "binary"),
    ])
    def test_unusable_answers_get_a_clear_422(self, client, answer, message):
        response = client.post("/api/v1/score", json={"question": "q?", "reference_answer": "r", "answer": answer})
        assert message in assert_problem(response, 422, "validation-error")["detail"]

    def test_an_answer_over_the_limit_is_refused(self, client, signed):
        response = client.post("/api/v1/score", headers=signed.headers,
                               json={"question_id": QUESTION, "answer": "drift " * 5000})
        assert_problem(response, 422, "validation-error")

    def test_unknown_question_is_a_404_problem(self, client, signed):
        response = client.post("/api/v1/score", headers=signed.headers, json={"question_id": "nope", "answer": "x"})
        assert_problem(response, 404, "not-found")

    def test_scoring_a_bank_question_needs_sign_in(self, client):
        response = client.post("/api/v1/score", json={"question_id": QUESTION, "answer": "canary and drift"})
        assert_problem(response, 401, "not-authenticated")


class TestAttempts:
    def test_an_attempt_is_stored_with_versions_and_reveals_the_model_answer(self, client, signed):
        answer = calibration(client, signed.headers, 3)
        created = client.post("/api/v1/attempts", headers=signed.headers,
                              json={"question_id": QUESTION, "answer": answer, "duration_seconds": 300})
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["reveal"]["model_answer"] and set(body["reveal"]["bands"]) == {"1", "2", "3", "4", "5"}
        again = client.get(f"/api/v1/attempts/{body['id']}", headers=signed.headers).json()
        assert again["score"] == body["score"] and again["scorer_version"] == body["scorer_version"]
        rubric = client.get(f"/api/v1/questions/{QUESTION}/rubric", headers=signed.headers)
        assert rubric.status_code == 200 and rubric.json()["calibration"] is None

    def test_a_better_answer_scores_higher(self, client, signed):
        weak = client.post("/api/v1/attempts", headers=signed.headers,
                           json={"question_id": QUESTION, "answer": calibration(client, signed.headers, 1)}).json()
        strong = client.post("/api/v1/attempts", headers=signed.headers,
                             json={"question_id": QUESTION, "answer": calibration(client, signed.headers, 5)}).json()
        assert strong["score"] > weak["score"]
        progress = client.get("/api/v1/progress", headers=signed.headers).json()
        assert progress["attempts"] == 2 and progress["by_stage"]["deployment"]["attempts"] == 2
        assert len(progress["suggested"]) >= 1

    def test_another_candidate_cannot_read_my_attempt(self, live, db, signed):
        with live.client() as mine:
            attempt = mine.post("/api/v1/attempts", headers=signed.headers,
                                json={"question_id": QUESTION, "answer": "Use a canary and watch drift."}).json()
        other = make_user(db)
        with live.client() as theirs:
            headers = sign_in(theirs, other.email, DEFAULT_PASSWORD).headers
            assert_problem(theirs.get(f"/api/v1/attempts/{attempt['id']}", headers=headers), 404, "not-found")
            assert theirs.get("/api/v1/attempts", headers=headers).json() == []

    def test_attempts_need_sign_in(self, client):
        response = client.post("/api/v1/attempts", json={"question_id": QUESTION, "answer": "x"})
        assert_problem(response, 401, "not-authenticated")
