"""Invitation links: random, stored hashed, single use, expiring; who started and finished."""

from __future__ import annotations

from sqlmodel import select

from assessments.models import Invitation
from tests.helpers import assert_problem


class TestInvitations:
    def test_only_the_tokens_hash_is_stored(self, team, clock, db):
        invitation = team.invite(team.published()["id"])
        assert invitation["link"].endswith(f"/invitations/{invitation['token']}")
        with db.unit_of_work(write=False) as session:
            stored = session.exec(select(Invitation).where(Invitation.id == invitation["id"])).one()
        assert invitation["token"] not in stored.token_hash and len(stored.token_hash) == 64

    def test_a_link_works_once_for_one_person_who_can_resume(self, team, clock):
        token = team.invite(team.published()["id"])["token"]
        first = team.api("POST", "/invitations/accept", "cand_1", json={"token": token})
        again = team.api("POST", "/invitations/accept", "cand_1", json={"token": token})
        assert first.status_code == again.status_code == 200
        assert first.json()["sitting_id"] == again.json()["sitting_id"]
        used = assert_problem(team.api("POST", "/invitations/accept", "cand_2", json={"token": token}),
                              409, "conflict")
        assert "already been used" in used["detail"]

    def test_an_expired_link_is_refused_clearly(self, team, clock):
        token = team.invite(team.published()["id"], valid_days=1)["token"]
        clock.advance(days=1, seconds=1)
        expired = assert_problem(team.api("POST", "/invitations/accept", "cand_1", json={"token": token}),
                                 409, "conflict")
        assert "expired" in expired["detail"]

    def test_an_unknown_link_is_404(self, team, clock):
        assert_problem(team.api("POST", "/invitations/accept", "cand_1", json={"token": "x" * 43}),
                       404, "not-found")

    def test_an_unpublished_assessment_cannot_invite(self, team, clock):
        draft = team.org_api("POST", "/assessments", "interviewer",
                             json={"title": "draft", "question_ids": ["batch-vs-online-inference"]}).json()
        response = team.org_api("POST", f"/assessments/{draft['id']}/invitations", "interviewer",
                                json={"email": "c@example.com"})
        assert_problem(response, 409, "conflict")

    def test_the_interviewer_sees_who_started_and_finished(self, team, clock):
        assessment = team.published()
        team.invite(assessment["id"], "nobody@example.com")
        team.start(assessment["id"], "cand_1")
        team.take(assessment["id"], "cand_2", ["An answer about canary releases and drift monitoring."])
        rows = team.org_api("GET", f"/assessments/{assessment['id']}/invitations", "interviewer").json()
        assert sorted(r["state"] for r in rows) == ["finished", "invited", "started"]
        assert all("token" not in r for r in rows)
