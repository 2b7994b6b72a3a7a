"""Demo data for `prodready serve --demo`: an organisation and one user per role.

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
    return [email for email, _, _ in DEMO_USERS]
