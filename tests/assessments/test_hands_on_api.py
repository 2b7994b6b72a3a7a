"""The JSON twin of the hands-on task in assessments: which sitting a run made through the API counts for,
and the run in the review queue."""

from __future__ import annotations

from prodready.accounts.models import Role
from tests.factories import add_member
from tests.helpers import assert_problem

RUNS = "/sandbox/runs"
TASK = "churn-deploy"


def with_task(team) -> str:
    created = team.org_api("POST", "/assessments", "interviewer", json={
        "title": "Hands-on screen", "question_ids": ["offline-model-to-production"], "sandbox_task": TASK})
    assert created.status_code == 201, created.text
    assessment_id = created.json()["id"]
    assert team.org_api("POST", f"/assessments/{assessment_id}/publish", "interviewer").status_code == 200
    return assessment_id


def url_run(team, who: str, **extra) -> object:
    return team.api("POST", RUNS, who, json={"task": TASK, "url": "https://churn.example.com", **extra})


class TestRunsMadeThroughTheApi:
    def test_a_run_attached_to_the_organisation_counts_for_the_open_sitting(self, team, clock):
        assessment_id = with_task(team)
        sitting_id = team.start(assessment_id, "cand_1")
        response = url_run(team, "cand_1", org=team.org.slug)
        assert response.status_code == 201, response.text
        assert (response.json()["sitting_id"], response.json()["org_id"]) == (sitting_id, team.org.id)
        team.submit(sitting_id, "cand_1")
        [row] = team.org_api("GET", f"/assessments/{assessment_id}/review", "interviewer").json()
        assert row["hands_on"]["run_id"] == response.json()["id"] and row["hands_on"]["status"] == "queued"

    def test_a_run_without_an_organisation_counts_for_nothing(self, team, clock):
        team.start(with_task(team), "cand_1")
        assert url_run(team, "cand_1").json()["sitting_id"] is None

    def test_someone_elses_sitting_is_404(self, team, clock):
        sitting_id = team.start(with_task(team), "cand_1")
        assert_problem(url_run(team, "cand_2", sitting_id=sitting_id), 404, "not-found")

    def test_a_sitting_in_another_organisation_than_the_one_named_is_refused(self, team, clock, db):
        sitting_id = team.start(with_task(team), "cand_1")
        add_member(db, team.other_org, team.people["cand_1"], Role.CANDIDATE)
        problem = assert_problem(url_run(team, "cand_1", sitting_id=sitting_id, org=team.other_org.slug),
                                 422, "validation-error")
        assert "another organisation" in problem["detail"]

    def test_after_submitting_a_named_sitting_is_refused_and_an_inferred_one_is_not_used(self, team, clock):
        sitting_id = team.start(with_task(team), "cand_1")
        team.submit(sitting_id, "cand_1")
        problem = assert_problem(url_run(team, "cand_1", sitting_id=sitting_id), 409, "conflict")
        assert "would not count" in problem["detail"]
        later = url_run(team, "cand_1", org=team.org.slug)
        assert later.status_code == 201 and later.json()["sitting_id"] is None

    def test_when_the_time_is_over_the_sitting_no_longer_takes_runs(self, team, clock):
        sitting_id = team.start(with_task(team), "cand_1")
        clock.advance(minutes=61)
        problem = assert_problem(url_run(team, "cand_1", sitting_id=sitting_id), 409, "conflict")
        assert "ran out" in problem["detail"]
