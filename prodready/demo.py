"""Demo data for `prodready serve --demo`: an organisation, one user per role, and a
candidate with practice history and a published profile, so every page has something to show.

Idempotent: running it again leaves existing demo rows as they are.
"""

from __future__ import annotations

from sqlmodel import Session, select

from prodready.accounts import service
from prodready.accounts.models import Membership, Organisation, Role, User
from prodready.db import Database

DEMO_PASSWORD = "prodready-demo"
DEMO_ORG_SLUG = "demo-co"
DEMO_USERS = (
    ("candidate@demo.prodready.dev", "Casey Candidate", Role.CANDIDATE),
    ("interviewer@demo.prodready.dev", "Ivy Interviewer", Role.INTERVIEWER),
    ("admin@demo.prodready.dev", "Ada Admin", Role.ADMIN),
)


def _user(session: Session, email: str, name: str) -> User:
    return service.find_user_by_email(session, email) or service.register_user(
        session, email=email, password=DEMO_PASSWORD, display_name=name
    )


def seed_demo(database: Database) -> list[str]:
    """Create the demo organisation and users; return the sign-in emails."""
    with database.unit_of_work() as session:
        org = session.exec(select(Organisation).where(Organisation.slug == DEMO_ORG_SLUG)).first()
        if org is None:
            org = Organisation(slug=DEMO_ORG_SLUG, name="Demo Co")
            session.add(org)
            session.flush()
        for email, name, role in DEMO_USERS:
            user = _user(session, email, name)
            member = session.exec(
                select(Membership).where(Membership.org_id == org.id, Membership.user_id == user.id)
            ).first()
            if member is None:
                session.add(Membership(user_id=user.id, org_id=org.id, role=role))
        session.flush()
    _practice_history(database, DEMO_USERS[0][0])
    return [email for email, _, _ in DEMO_USERS]


# The demo candidate's history: the bank's own calibration answers, so the scores are real.
DEMO_PRACTICE = (
    ("offline-model-to-production", 3),
    ("offline-model-to-production", 5),
    ("data-drift-vs-concept-drift", 3),
    ("explain-production-constraint-to-stakeholders", 5),
)


def _practice_history(database: Database, email: str) -> None:
    from credentials import publishing
    from practice.models import Attempt
    from practice.scoring import ScoringService
    from practice.service import create_attempt
    from question_bank.catalog import CatalogCache

    with database.unit_of_work() as session:
        user = service.find_user_by_email(session, email)
        if user is None or session.exec(select(Attempt.id).where(Attempt.user_id == user.id)).first():
            return
        catalog = CatalogCache().get(session)
        scoring = ScoringService()
        for question_id, band in DEMO_PRACTICE:
            entry = catalog.get(question_id)
            if entry is None:
                continue
            answer = next((c.answer for c in entry.question.calibration if c.band == band), None)
            if answer:
                create_attempt(session, catalog=catalog, scoring=scoring, user=user, question_id=question_id,
                               answer=answer)
        publishing.publish(session, user, detail="areas", embed_org_ids=[])
