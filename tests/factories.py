"""Plain factory functions with keyword overrides. Each call makes fresh rows."""

from __future__ import annotations

import uuid

from prodready.accounts import service
from prodready.accounts.models import Membership, Organisation, Role, User
from prodready.db import Database

DEFAULT_PASSWORD = "correct horse battery staple"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def make_user(db: Database, *, email: str | None = None, password: str = DEFAULT_PASSWORD,
              display_name: str = "Test Person") -> User:
    with db.unit_of_work() as session:
        return service.register_user(
            session, email=email or f"{unique('user')}@example.com", password=password, display_name=display_name
        )


def make_org(db: Database, *, owner: User, name: str = "Acme Analytics", slug: str | None = None) -> Organisation:
    with db.unit_of_work() as session:
        return service.create_organisation(session, name=name, slug=slug or unique("org"), owner=owner)


def add_member(db: Database, org: Organisation, user: User, role: Role) -> Membership:
    with db.unit_of_work() as session:
        membership = Membership(user_id=user.id, org_id=org.id, role=role)
        session.add(membership)
        return membership
