"""Taking an assessment: the server's timer, drafts that survive reloads, one submission, hidden scores."""

from __future__ import annotations

from datetime import timedelta

from tests.assessments.conftest import QUESTIONS, calibration_answer
from tests.helpers import assert_problem

GOOD = calibration_answer(QUESTIONS[0], 5)


class TestDrafts:
    def test_a_draft_is_on_the_server_for_any_device(self, team, clock):
        assessment = team.published()
        sitting_id = team.start(assessment["id"])
        item = team.sitting(sitting_id)["questions"][0]["item_id"]
        assert team.save(sitting_id, item, "first thoughts").status_code == 200
        assert team.save(sitting_id, item, "better thoughts").status_code == 200
        # A new sign-in (another device) sees the latest draft.
        team._headers.clear()
        assert team.sitting(sitting_id)["questions"][0]["draft"] == "better thoughts"

    def test_the_candidate_sees_questions_but_never_rubrics_or_scores(self, team, clock):
        sitting = team.sitting(team.start(team.published()["id"]))
        text = str(sitting)
        assert sitting["state"] == "open" and sitting["results"] is None
        assert "model_answer" not in text and "rubric" not in text and "bands" not in text
        assert {q["question_id"] for q in sitting["questions"]} == set(QUESTIONS)

    def test_an_answer_over_the_limit_is_refused_and_the_old_draft_stays(self, team, clock):
        sitting_id = team.start(team.published()["id"])
        item = team.sitting(sitting_id)["questions"][0]["item_id"]
        team.save(sitting_id, item, "kept")
        assert_problem(team.save(sitting_id, item, "x" * 20_001), 422, "validation-error")
        assert_problem(team.save(sitting_id, item, "bin\x00ary"), 422, "validation-error")
        assert team.sitting(sitting_id)["questions"][0]["draft"] == "kept"

    def test_a_cookie_session_cannot_save_without_the_csrf_token(self, team, clock, live):
        from tests.factories import DEFAULT_PASSWORD

        sitting_id = team.start(team.published()["id"])
        item = team.sitting(sitting_id)["questions"][0]["item_id"]
        with live.client() as browser:
            browser.post("/api/v1/auth/login", json={"email": team.people["cand_1"].email,
                                                     "password": DEFAULT_PASSWORD})
            url = f"/api/v1/orgs/{team.org.slug}/sittings/{sitting_id}/answers/{item}"
            assert_problem(browser.put(url, json={"text": "forged"}), 403, "csrf-failed")


class TestTimer:
    def test_saves_after_the_deadline_get_a_409_and_submit_takes_what_was_saved_in_time(self, team, clock):
        sitting_id = team.start(team.published(minutes=10)["id"])
        item = team.sitting(sitting_id)["questions"][0]["item_id"]
        clock.advance(minutes=9)
        assert team.save(sitting_id, item, GOOD).status_code == 200
        clock.advance(minutes=1, seconds=1)
        late = assert_problem(team.save(sitting_id, item, "written after time"), 409, "conflict")
        assert late["reason"] == "time-over" and "not saved" in late["detail"]
        assert team.sitting(sitting_id)["state"] == "time-over"
        submitted = team.submit(sitting_id).json()
        assert submitted["state"] == "submitted"
        assert submitted["questions"][0]["draft"] == GOOD

    def test_sittings_left_without_submitting_are_closed_with_what_was_saved_in_time(self, team, clock):
        assessment = team.published(minutes=5)
        sitting_id = team.start(assessment["id"])
        team.save(sitting_id, team.sitting(sitting_id)["questions"][0]["item_id"], GOOD)
        path = f"/assessments/{assessment['id']}/close-expired"
        assert team.org_api("POST", path, "interviewer").json() == {"closed": 0}
        clock.advance(minutes=6)
        assert team.org_api("POST", path, "interviewer").json() == {"closed": 1}
        assert team.sitting(sitting_id)["state"] == "submitted"
        rows = team.org_api("GET", f"/assessments/{assessment['id']}/review", "interviewer").json()
        assert len(rows) == 1 and len(rows[0]["answers"]) == 1

    def test_the_due_date_caps_the_deadline(self, team, clock):
        due = clock.now + timedelta(minutes=5)
        sitting = team.sitting(team.start(team.published(minutes=60, due_at=due)["id"]))
        assert sitting["seconds_left"] == 300

    def test_the_rubric_endpoint_stays_closed_while_the_sitting_is_open(self, team, clock):
        # Practising the question first would normally open its rubric.
        practice = team.api("POST", "/attempts", "cand_1", json={"question_id": QUESTIONS[0], "answer": GOOD})
        assert practice.status_code == 201
        sitting_id = team.start(team.published()["id"])
        assert_problem(team.api("GET", f"/questions/{QUESTIONS[0]}/rubric", "cand_1"), 403, "forbidden")
        # Feedback names the rubric's concepts: no practice or scoring on it until the sitting is submitted.
        again = team.api("POST", "/attempts", "cand_1", json={"question_id": QUESTIONS[0], "answer": GOOD})
        assert "after you submit" in assert_problem(again, 409, "conflict")["detail"]
        scored = team.api("POST", "/score", "cand_1", json={"question_id": QUESTIONS[0], "answer": GOOD})
        assert_problem(scored, 409, "conflict")
        team.submit(sitting_id)
        assert team.api("GET", f"/questions/{QUESTIONS[0]}/rubric", "cand_1").status_code == 200


class TestSubmit:
    def test_submitting_twice_returns_the_same_submission(self, team, clock, db):
        from sqlmodel import select

        from practice.models import Attempt

        sitting_id = team.start(team.published()["id"])
        item = team.sitting(sitting_id)["questions"][0]["item_id"]
        team.save(sitting_id, item, GOOD)
        first = team.submit(sitting_id).json()
        clock.advance(seconds=30)
        second = team.submit(sitting_id).json()
        assert first["submitted_at"] == second["submitted_at"]
        with db.unit_of_work(write=False) as session:
            rows = session.exec(select(Attempt).where(Attempt.user_id == team.people["cand_1"].id)).all()
        assert [(a.source, a.org_id) for a in rows] == [("assessment", team.org.id)]
        assert_problem(team.save(sitting_id, item, "change after submit"), 409, "conflict")

    def test_scores_stay_hidden_until_the_interviewer_releases_them(self, team, clock):
        assessment = team.published()
        sitting_id = team.take(assessment["id"], "cand_1", [GOOD])
        assert team.sitting(sitting_id)["results"] is None
        team.org_api("POST", f"/assessments/{assessment['id']}/release", "interviewer")
        results = team.sitting(sitting_id)["results"]
        assert len(results) == 1 and 1 <= results[0]["band"] <= 5
        # The assessment answer is not readable as a practice attempt either.
        listed = team.api("GET", "/attempts", "cand_1").json()
        assert listed == []


class TestWhoSeesASitting:
    def test_a_candidate_cannot_see_or_change_another_candidates_sitting(self, team, clock):
        sitting_id = team.start(team.published()["id"], "cand_1")
        team.start(team.published()["id"], "cand_2")
        item = team.sitting(sitting_id)["questions"][0]["item_id"]
        assert_problem(team.org_api("GET", f"/sittings/{sitting_id}", "cand_2"), 404, "not-found")
        assert_problem(team.save(sitting_id, item, "sabotage", who="cand_2"), 404, "not-found")
        assert_problem(team.submit(sitting_id, who="cand_2"), 404, "not-found")

    def test_an_outsider_gets_404_for_the_organisations_sittings(self, team, clock):
        sitting_id = team.start(team.published()["id"])
        assert_problem(team.org_api("GET", f"/sittings/{sitting_id}", "outsider"), 404, "not-found")
