"""The skill profile: areas from the bank's stages and the sandbox, human ratings outweighing the
auto-score, confidence that drops with few answers or disagreement, documented levels."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from credentials.evidence import Evidence
from credentials.levels import confidence_label, confidence_of, level_for
from credentials.profile import build_profile
from prodready.accounts.models import Role
from tests.credentials.conftest import add_attempt, add_rating, person, question_versions
from tests.helpers import assert_problem

NOW = datetime(2026, 11, 27, tzinfo=UTC)


def evidence(score: float, *, areas=("deployment",), confidence=0.8, disagreed=False, weight=1.0) -> Evidence:
    return Evidence(areas, score, weight, confidence, disagreed, "2026.11.1", "q@v1", NOW)


class TestLevels:
    @pytest.mark.parametrize(("score", "evidence_count", "confidence", "level"), [
        (None, 0, 0.0, "emerging"), (49.9, 5, 0.8, "emerging"), (50, 5, 0.8, "practitioner"),
        (70, 5, 0.8, "strong"), (90, 8, 0.8, "expert"), (90, 3, 0.8, "strong"), (90, 10, 0.3, "strong"),
    ])
    def test_thresholds(self, score, evidence_count, confidence, level):
        assert level_for(score, evidence=evidence_count, confidence=confidence) == level

    def test_confidence_drops_with_few_answers_low_scorer_confidence_and_disagreement(self):
        assert confidence_of(5, [0.9] * 5, 0) == 0.9
        assert confidence_of(1, [0.9], 0) < confidence_of(5, [0.9] * 5, 0)
        assert confidence_of(5, [0.4] * 5, 0) < confidence_of(5, [0.9] * 5, 0)
        assert confidence_of(5, [0.9] * 5, 3) < confidence_of(5, [0.9] * 5, 0)
        assert confidence_label(0.9) == "high" and confidence_label(0.5) == "medium" and confidence_label(0.1) == "low"

    def test_areas_and_overall(self):
        profile = build_profile("u", [evidence(80), evidence(60, areas=("monitoring", "deployment"))], NOW)
        areas = {a.area: a for a in profile.areas}
        assert areas["deployment"].score == 70 and areas["deployment"].evidence == 2
        assert areas["monitoring"].score == 60 and areas["training"].score is None
        assert areas["sandbox"].evidence == 0 and profile.overall.score == 70

    def test_a_human_rating_outweighs_the_auto_score(self):
        profile = build_profile("u", [evidence(80), evidence(20, weight=2.0)], NOW)
        assert profile.overall.score == 40


class TestProfileApi:
    def test_owner_sees_areas_evidence_and_level(self, client, candidate):
        body = client.get("/api/v1/profile", headers=candidate.headers).json()
        profile = body["profile"]
        assert profile["overall"]["evidence"] == 5 and profile["overall"]["score"] == 78.0
        assert profile["overall"]["level"] == "strong"
        assert {a["area"] for a in profile["areas"]} >= {"deployment", "monitoring", "sandbox", "business"}
        assert body["publication"]["published"] is False

    def test_new_results_show_at_once(self, client, db, candidate):
        before = client.get("/api/v1/profile", headers=candidate.headers).json()["profile"]["overall"]
        question = question_versions(db, count=7)[6]
        add_attempt(db, candidate.user, question, score=20.0, band=2)
        after = client.get("/api/v1/profile", headers=candidate.headers).json()["profile"]["overall"]
        assert after["evidence"] == before["evidence"] + 1 and after["score"] < before["score"]

    def test_the_latest_answer_to_a_question_counts(self, client, db):
        someone = person(client, db)
        question = question_versions(db, count=1)[0]
        add_attempt(db, someone.user, question, score=20.0, band=2)
        add_attempt(db, someone.user, question, score=90.0, band=5)
        overall = client.get("/api/v1/profile", headers=someone.headers).json()["profile"]["overall"]
        assert overall["evidence"] == 1 and overall["score"] == 90.0

    def test_assessment_ratings_replace_the_auto_score_and_disagreement_lowers_confidence(
            self, client, db, org_with_admin, member_of):
        org, admin = org_with_admin
        someone = person(client, db)
        member_of(org, someone)
        attempts = [add_attempt(db, someone.user, q, score=80.0, band=5, confidence=0.9, source="assessment", org=org)
                    for q in question_versions(db, count=5)]
        agreed = client.get("/api/v1/profile", headers=someone.headers).json()["profile"]["overall"]
        for attempt in attempts:
            add_rating(db, attempt, admin.user, 2)  # the human disagrees by three bands
        rated = client.get("/api/v1/profile", headers=someone.headers).json()["profile"]["overall"]
        assert rated["score"] == 26.0 and rated["level"] == "emerging"
        assert rated["confidence"] < agreed["confidence"]

    def test_sandbox_runs_make_the_sandbox_area(self, client, db):
        sandbox_models = pytest.importorskip("sandbox.models")
        someone = person(client, db)
        with db.unit_of_work() as session:
            session.add(sandbox_models.SandboxRun(user_id=someone.user.id, task_id="churn_deploy", mode="url",
                                                  request_digest="x" * 64, status="succeeded", verdict="pass",
                                                  score=91.0, finished_at=NOW))
        profile = client.get("/api/v1/profile", headers=someone.headers).json()["profile"]
        areas = {a["area"]: a for a in profile["areas"]}
        assert areas["sandbox"]["score"] == 91.0 and areas["sandbox"]["evidence"] == 1

    def test_profile_needs_sign_in(self, client):
        assert_problem(client.get("/api/v1/profile"), 401, "not-authenticated")

    def test_interviewer_role_does_not_open_someone_elses_profile(self, client, db, candidate, org_with_admin,
                                                                 member_of):
        org, admin = org_with_admin
        member_of(org, candidate, Role.CANDIDATE)
        mine = client.get("/api/v1/profile", headers=admin.headers).json()["profile"]
        assert mine["user_id"] == admin.user.id and mine["overall"]["evidence"] == 0
