"""Administering an organisation: its name, its members and their roles.

The rules live here so the JSON API and the admin pages apply the same ones;
the last admin can be neither demoted nor removed.
"""

from __future__ import annotations

from sqlmodel import select

from prodready.accounts import service
from prodready.accounts.models import Membership, Organisation, Role, User
from prodready.accounts.scope import OrgScope
from prodready.errors import Conflict, InvalidInput, NotFound

LAST_ADMIN = "An organisation needs at least one admin."


def rename(scope: OrgScope, name: str) -> Organisation:
    scope.require(Role.ADMIN)
    name = name.strip()
    if not name or len(name) > 120:
        raise InvalidInput("An organisation name has 1-120 characters.")
    scope.org.name = name
    scope.session.add(scope.org)
    scope.session.flush()
    return scope.org


def members(scope: OrgScope) -> list[tuple[Membership, User]]:
    scope.require(Role.INTERVIEWER)
    rows = scope.session.exec(
        select(Membership, User).join(User, User.id == Membership.user_id)  # type: ignore[arg-type]
        .where(Membership.org_id == scope.org.id).order_by(User.display_name)
    ).all()
    return list(rows)


def membership(scope: OrgScope, user_id: str) -> tuple[Membership, User]:
    row = scope.session.exec(scope.select(Membership).where(Membership.user_id == user_id)).first()
    user = scope.session.get(User, user_id) if row else None
    if row is None or user is None:
        raise NotFound("No such member in this organisation.")
    return row, user


def add_member(scope: OrgScope, email: str, role: Role) -> tuple[Membership, User]:
    scope.require(Role.ADMIN)
    user = service.find_user_by_email(scope.session, email)
    if user is None:
        raise NotFound("No account has this email; ask the person to sign up first.")
    existing = scope.session.exec(scope.select(Membership).where(Membership.user_id == user.id)).first()
    if existing is not None:
        raise Conflict("This person is already a member.")
    return scope.add(Membership(user_id=user.id, org_id=scope.org.id, role=role)), user


def change_role(scope: OrgScope, user_id: str, role: Role) -> tuple[Membership, User]:
    scope.require(Role.ADMIN)
    row, user = membership(scope, user_id)
    if row.role == Role.ADMIN and role != Role.ADMIN and service.count_admins(scope.session, scope.org.id) <= 1:
        raise Conflict(LAST_ADMIN)
    row.role = role
    scope.session.add(row)
    scope.session.flush()
    return row, user


def remove_member(scope: OrgScope, user_id: str) -> None:
    scope.require(Role.ADMIN)
    row, _user = membership(scope, user_id)
    if row.role == Role.ADMIN and service.count_admins(scope.session, scope.org.id) <= 1:
        raise Conflict(LAST_ADMIN)
    scope.session.delete(row)
    scope.session.flush()
