"""GET /api/v1/questions: filters, typo-tolerant search, pagination; the rubric's access rule."""

from __future__ import annotations

from prodready.accounts.models import Role
from tests.factories import DEFAULT_PASSWORD, add_member, make_org, make_user
from tests.helpers import assert_problem, sign_in


class TestListQuestions:
    def test_lists_the_bank_with_pagination(self, client):
        first = client.get("/api/v1/questions", params={"limit": 5}).json()
        second = client.get("/api/v1/questions", params={"limit": 5, "offset": 5}).json()
        assert first["total"] >= 80 and len(first["items"]) == 5 and first["content_version"]
        assert not {q["id"] for q in first["items"]} & {q["id"] for q in second["items"]}

    def test_filters_combine(self, client):
        body = client.get("/api/v1/questions", params={"kind": "behavioral", "level": "intermediate",
                                                       "limit": 100}).json()
        assert body["total"] == len(body["items"]) > 0
        assert all(q["kind"] == "behavioral" and q["level"] == "intermediate" for q in body["items"])
        staged = client.get("/api/v1/questions", params={"stage": "monitoring", "limit": 100}).json()
        assert all("monitoring" in q["stages"] for q in staged["items"])

    def test_search_tolerates_typos(self, client):
        body = client.get("/api/v1/questions", params={"q": "canery rolout"}).json()
        assert any("canary" in (q["title"] + " ".join(q["tags"])).lower() for q in body["items"][:3])

    def test_junk_search_finds_nothing(self, client):
        assert client.get("/api/v1/questions", params={"q": "zxqv wplk"}).json()["total"] == 0

    def test_unknown_filter_value_is_a_422_problem(self, client):
        assert_problem(client.get("/api/v1/questions", params={"stage": "astrology"}), 422, "validation-error")
        assert_problem(client.get("/api/v1/questions", params={"limit": 1000}), 422, "validation-error")


class TestOneQuestion:
    def test_detail_has_the_prompt_but_no_answer_key(self, client):
        body = client.get("/api/v1/questions/offline-model-to-production").json()
        assert body["prompt"] and body["expected_structure"].startswith("Deployment strategy")
        assert "model_answer" not in body and "rubric" not in body and "calibration" not in body

    def test_unknown_question_is_a_404_problem(self, client):
        assert_problem(client.get("/api/v1/questions/no-such-question"), 404, "not-found")

    def test_rubric_needs_sign_in(self, client):
        assert_problem(client.get("/api/v1/questions/offline-model-to-production/rubric"), 401, "not-authenticated")

    def test_candidate_without_an_attempt_cannot_see_the_rubric(self, client, db):
        user = make_user(db)
        headers = sign_in(client, user.email, DEFAULT_PASSWORD).headers
        response = client.get("/api/v1/questions/offline-model-to-production/rubric", headers=headers)
        assert_problem(response, 403, "forbidden")

    def test_interviewer_sees_rubric_and_calibration(self, client, db):
        admin, interviewer = make_user(db), make_user(db)
        add_member(db, make_org(db, owner=admin), interviewer, Role.INTERVIEWER)
        headers = sign_in(client, interviewer.email, DEFAULT_PASSWORD).headers
        body = client.get("/api/v1/questions/offline-model-to-production/rubric", headers=headers).json()
        assert body["model_answer"] and len(body["rubric"]["criteria"]) >= 3
        assert {c["band"] for c in body["calibration"]} >= {1, 3, 5}
