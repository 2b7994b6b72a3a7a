"""Building assessments: questions pinned at publish, templates, options, and who may build."""

from __future__ import annotations

from sqlmodel import select

from practice.models import Attempt
from question_bank.models import BankSync, QuestionRecord, QuestionVersion
from tests.assessments.conftest import QUESTIONS
from tests.helpers import assert_problem


class TestBuild:
    def test_publishing_pins_each_questions_current_version(self, team, clock, db):
        assessment = team.published()
        with db.unit_of_work(write=False) as session:
            current = {v.question_id: v.id for v in session.exec(
                select(QuestionVersion).where(QuestionVersion.question_id.in_(QUESTIONS))).all()}
        assert {i["question_id"]: i["pinned_version_id"] for i in assessment["items"]} == current
        again = team.org_api("POST", f"/assessments/{assessment['id']}/publish", "interviewer").json()
        assert again["published_at"] == assessment["published_at"]

    def test_options_are_kept_including_the_sandbox_task(self, team, clock):
        created = team.org_api("POST", "/assessments", "interviewer", json={
            "title": "Deploy and monitor", "question_ids": QUESTIONS[:1], "time_limit_minutes": 90,
            "blind_review": True, "sandbox_task": "churn-deploy"}).json()
        assert (created["time_limit_minutes"], created["blind_review"], created["sandbox_task"]) == (
            90, True, "churn-deploy")

    def test_unknown_questions_tasks_and_duplicates_are_422(self, team, clock):
        for body in ({"question_ids": ["no-such-question"]}, {"question_ids": [], "sandbox_task": "nope"},
                     {"question_ids": QUESTIONS[:1] * 2}, {"question_ids": []}):
            response = team.org_api("POST", "/assessments", "interviewer", json={"title": "x", **body})
            assert response.status_code in (404, 422), response.text

    def test_a_template_for_a_role_is_cloned_into_a_new_assessment(self, team, clock):
        template = team.org_api("POST", "/assessments", "interviewer", json={
            "title": "MLOps engineer", "role_title": "MLOps engineer", "is_template": True,
            "question_ids": QUESTIONS, "time_limit_minutes": 45}).json()
        assert_problem(team.org_api("POST", f"/assessments/{template['id']}/publish", "interviewer"),
                       409, "conflict")
        clone = team.org_api("POST", f"/assessments/{template['id']}/clone", "interviewer",
                             json={"title": "MLOps screen, March"})
        assert clone.status_code == 201
        body = clone.json()
        assert not body["is_template"] and body["time_limit_minutes"] == 45
        assert [i["question_id"] for i in body["items"]] == QUESTIONS
        templates = team.org_api("GET", "/assessments?templates=true", "interviewer").json()
        assert [t["id"] for t in templates] == [template["id"]]


class TestWhoMayBuild:
    def test_a_candidate_is_forbidden(self, team, clock):
        response = team.org_api("POST", "/assessments", "cand_3", json={"title": "x", "question_ids": QUESTIONS})
        assert_problem(response, 403, "forbidden")
        assert_problem(team.org_api("GET", "/assessments", "cand_3"), 403, "forbidden")

    def test_an_interviewer_of_another_organisation_gets_404(self, team, clock):
        assessment = team.published()
        other = f"/orgs/{team.org.slug}/assessments/{assessment['id']}"
        assert_problem(team.api("GET", other, "outsider"), 404, "not-found")
        # Through their own organisation the id is not found either.
        own = f"/orgs/{team.other_org.slug}/assessments/{assessment['id']}"
        assert_problem(team.api("GET", own, "outsider"), 404, "not-found")
        assert_problem(team.api("GET", own + "/export.csv", "outsider"), 404, "not-found")
        assert_problem(team.api("POST", own + "/invitations", "outsider", json={"email": "a@b.c"}), 404, "not-found")


class TestPinnedVersions:
    def test_a_bank_change_after_publishing_changes_nothing_for_candidates(self, team, clock, db):
        assessment = team.published(questions=QUESTIONS[:1])
        pinned = assessment["items"][0]["pinned_version_id"]
        with db.unit_of_work() as session:
            record = session.get(QuestionRecord, QUESTIONS[0])
            current = session.get(QuestionVersion, pinned)
            content = {**current.content, "prompt": current.content["prompt"] + " (edited after publishing)"}
            session.add(QuestionVersion(question_id=record.id, version=record.current_version + 1,
                                        content_hash="e" * 64, content=content))
            record.current_version += 1
            session.add(record)
            session.add(BankSync(content_version="edited-after-publishing"))
        sitting_id = team.start(assessment["id"])
        question = team.sitting(sitting_id)["questions"][0]
        assert "edited after publishing" not in question["prompt"]
        team.save(sitting_id, question["item_id"], "A canary release, drift monitoring with PSI and a rollback plan.")
        team.submit(sitting_id)
        with db.unit_of_work(write=False) as session:
            attempt = session.exec(select(Attempt).where(Attempt.user_id == team.people["cand_1"].id)).one()
        assert attempt.question_version_id == pinned
