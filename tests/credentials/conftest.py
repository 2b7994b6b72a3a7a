"""People, results and settings for the credential, profile, widget and webhook tests."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import select

from practice.models import Attempt, ScoreOverride
from prodready.accounts.models import Organisation, Role, User
from question_bank.models import QuestionRecord, QuestionVersion
from tests.factories import DEFAULT_PASSWORD, add_member, make_org, make_user
from tests.helpers import SignedIn, sign_in

HOSTILE_NAME = "<script>alert(1)</script> \"Ada\" & 'Lovelace' <img src=x onerror=alert(2)>"


@dataclass
class Person:
    user: User
    auth: SignedIn

    @property
    def headers(self) -> dict[str, str]:
        return self.auth.headers


def person(client, db, **kwargs) -> Person:
    user = make_user(db, **kwargs)
    return Person(user, sign_in(client, user.email, DEFAULT_PASSWORD))


def question_versions(db, stage: str | None = None, count: int = 5) -> list[tuple[str, str, list[str]]]:
    """(question id, current version id, stages) of live questions, optionally of one stage."""
    with db.unit_of_work(write=False) as session:
        rows = session.exec(select(QuestionRecord.id, QuestionVersion.id, QuestionVersion.content).join(
            QuestionVersion, (QuestionVersion.question_id == QuestionRecord.id)
            & (QuestionVersion.version == QuestionRecord.current_version))
            .where(QuestionRecord.retired_at.is_(None)).order_by(QuestionRecord.id)).all()
    found = [(qid, vid, list(content["stages"])) for qid, vid, content in rows
             if stage is None or stage in content["stages"]]
    return found[:count]


def add_attempt(db, user: User, question: tuple[str, str, list[str]], *, score: float, band: int,
                confidence: float = 0.8, source: str = "practice", org: Organisation | None = None,
                needs_review: bool = False) -> Attempt:
    with db.unit_of_work() as session:
        attempt = Attempt(user_id=user.id, org_id=org.id if org else None, source=source, question_id=question[0],
                          question_version_id=question[1], answer="an answer", score=score, band=band,
                          confidence=confidence, scorer_version="2026.11.1", result={}, needs_review=needs_review)
        session.add(attempt)
        return attempt


def add_rating(db, attempt: Attempt, rater: User, band: int) -> None:
    with db.unit_of_work() as session:
        session.add(ScoreOverride(attempt_id=attempt.id, rater_id=rater.id, band=band))


@pytest.fixture
def candidate(client, db) -> Person:
    """A candidate with a hostile display name and five scored answers."""
    someone = person(client, db, display_name=HOSTILE_NAME)
    for question in question_versions(db, count=5):
        add_attempt(db, someone.user, question, score=78.0, band=5, confidence=0.85)
    return someone


@pytest.fixture
def org_with_admin(client, db):
    admin = person(client, db, display_name="Org Admin")
    org = make_org(db, owner=admin.user, name="Hiring Co")
    return org, admin


@pytest.fixture
def member_of(db):
    def join(org: Organisation, someone: Person, role: Role = Role.CANDIDATE) -> None:
        add_member(db, org, someone.user, role)

    return join


@pytest.fixture
def settings_with(live):
    """Run the live app with some settings changed, restored afterwards."""
    original = live.app.state.settings

    def apply(**overrides):
        live.app.state.settings = original.model_copy(update=overrides)
        return live.app.state.settings

    yield apply
    live.app.state.settings = original


def publish(client, someone: Person, *, detail: str = "overall", embed_org_ids: list[str] | None = None) -> str:
    response = client.put("/api/v1/profile/publication", headers=someone.headers,
                          json={"detail": detail, "embed_org_ids": embed_org_ids or []})
    assert response.status_code == 200, response.text
    return response.json()["public_id"]


def issue(client, someone: Person, skill: str = "overall") -> dict:
    response = client.post("/api/v1/credentials", headers=someone.headers, json={"skill": skill})
    assert response.status_code == 201, response.text
    return response.json()
