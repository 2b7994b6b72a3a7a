"""An organisation with interviewers and candidates, a fake clock, and the API calls of an assessment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from prodready.accounts.models import Organisation, Role, User
from tests.factories import DEFAULT_PASSWORD, add_member, make_org, make_user
from tests.helpers import sign_in

QUESTIONS = ["offline-model-to-production", "batch-vs-online-inference"]


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(live):
    fake = FakeClock()
    live.app.state.clock = fake
    yield fake
    del live.app.state.clock


@dataclass
class Team:
    client: httpx.Client
    org: Organisation
    other_org: Organisation
    people: dict[str, User]
    _headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def h(self, name: str) -> dict[str, str]:
        if name not in self._headers:
            self._headers[name] = sign_in(self.client, self.people[name].email, DEFAULT_PASSWORD).headers
        return self._headers[name]

    def api(self, method: str, path: str, who: str, **kwargs) -> httpx.Response:
        return self.client.request(method, f"/api/v1{path}", headers=self.h(who), **kwargs)

    def org_api(self, method: str, path: str, who: str, **kwargs) -> httpx.Response:
        return self.api(method, f"/orgs/{self.org.slug}{path}", who, **kwargs)

    def published(self, *, minutes: int = 30, blind: bool = False, due_at: datetime | None = None,
                  questions: list[str] | None = None) -> dict:
        body = {"title": "ML platform engineer screen", "question_ids": questions or QUESTIONS,
                "time_limit_minutes": minutes, "blind_review": blind,
                "due_at": due_at.isoformat() if due_at else None}
        created = self.org_api("POST", "/assessments", "interviewer", json=body)
        assert created.status_code == 201, created.text
        published = self.org_api("POST", f"/assessments/{created.json()['id']}/publish", "interviewer")
        assert published.status_code == 200, published.text
        return published.json()

    def invite(self, assessment_id: str, email: str = "cand@example.com", **extra) -> dict:
        response = self.org_api("POST", f"/assessments/{assessment_id}/invitations", "interviewer",
                                json={"email": email, **extra})
        assert response.status_code == 201, response.text
        return response.json()

    def start(self, assessment_id: str, who: str = "cand_1") -> str:
        token = self.invite(assessment_id, self.people[who].email)["token"]
        accepted = self.api("POST", "/invitations/accept", who, json={"token": token})
        assert accepted.status_code == 200, accepted.text
        return accepted.json()["sitting_id"]

    def sitting(self, sitting_id: str, who: str = "cand_1") -> dict:
        response = self.org_api("GET", f"/sittings/{sitting_id}", who)
        assert response.status_code == 200, response.text
        return response.json()

    def save(self, sitting_id: str, item_id: str, text: str, who: str = "cand_1") -> httpx.Response:
        return self.org_api("PUT", f"/sittings/{sitting_id}/answers/{item_id}", who, json={"text": text})

    def submit(self, sitting_id: str, who: str = "cand_1") -> httpx.Response:
        return self.org_api("POST", f"/sittings/{sitting_id}/submit", who)

    def take(self, assessment_id: str, who: str, answers: list[str]) -> str:
        """Start, answer every question and submit; the sitting id."""
        sitting_id = self.start(assessment_id, who)
        for question, text in zip(self.sitting(sitting_id, who)["questions"], answers, strict=False):
            assert self.save(sitting_id, question["item_id"], text, who).status_code == 200
        assert self.submit(sitting_id, who).status_code == 200
        return sitting_id


@pytest.fixture
def team(client, db) -> Team:
    """Org A: an admin, two interviewers (raters), three candidates. Org B: its own interviewer."""
    names = ("admin", "interviewer", "rater_2", "rater_3", "cand_1", "cand_2", "cand_3", "outsider")
    people = {name: make_user(db, display_name=name.replace("_", " ").title()) for name in names}
    org = make_org(db, owner=people["admin"], name="Org A")
    other = make_org(db, owner=people["outsider"], name="Org B")
    for name in ("interviewer", "rater_2", "rater_3"):
        add_member(db, org, people[name], Role.INTERVIEWER)
    add_member(db, org, people["cand_3"], Role.CANDIDATE)
    return Team(client, org, other, people)


def calibration_answer(question_id: str, band: int) -> str:
    from tests.conftest import bundled_bank

    question = bundled_bank().questions[question_id].question
    return next(c.answer for c in question.calibration if c.band == band)
