"""Account rules: registration, sign-in sessions, password changes, organisations.

Functions take an open session and only flush; the caller's unit of work commits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, update
from sqlmodel import Session, select

from prodready.accounts import passwords, tokens
from prodready.accounts.models import AuthSession, Membership, Organisation, Role, User
from prodready.db import utcnow
from prodready.errors import Conflict, InvalidInput, NotAuthenticated

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


def register_user(session: Session, *, email: str, password: str, display_name: str) -> User:
    passwords.check_password_policy(password)
    if find_user_by_email(session, email) is not None:
        raise Conflict("An account with this email already exists.")
    name = display_name.strip()
    if not name:
        raise InvalidInput("Give a display name.")
    user = User(email=normalise_email(email), display_name=name, password_hash=passwords.hash_password(password))
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, *, email: str, password: str) -> User:
    user = find_user_by_email(session, email)
    ok = passwords.verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        raise NotAuthenticated("Email or password is wrong.")
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
        session.add(user)
    return user


@dataclass(frozen=True)
class IssuedSession:
    token: str
    record: AuthSession


def start_session(session: Session, user: User, *, ttl: timedelta, user_agent: str = "") -> IssuedSession:
    token = tokens.new_token()
    record = AuthSession(
        id=tokens.digest(token),
        user_id=user.id,
        csrf_token=tokens.new_token(),
        expires_at=utcnow() + ttl,
        user_agent=user_agent[:255],
    )
    session.add(record)
    session.flush()
    return IssuedSession(token=token, record=record)


def resolve_session(session: Session, token: str) -> tuple[AuthSession, User] | None:
    """The live session and its user for a token, or None if unknown, expired or revoked."""
    record = session.get(AuthSession, tokens.digest(token))
    if record is None or record.revoked_at is not None or record.expires_at <= utcnow():
        return None
    user = session.get(User, record.user_id)
    if user is None or not user.is_active:
        return None
    return record, user


def revoke_session(session: Session, record: AuthSession) -> None:
    record.revoked_at = utcnow()
    session.add(record)
    session.flush()


def revoke_all_sessions(session: Session, user_id: str, *, keep: str | None = None) -> int:
    statement = (
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))  # type: ignore[union-attr]
        .values(revoked_at=utcnow())
    )
    if keep is not None:
        statement = statement.where(AuthSession.id != keep)
    return session.execute(statement).rowcount or 0  # type: ignore[attr-defined]


def change_password(session: Session, user: User, *, current: str, new: str, keep_session: str | None) -> int:
    """Change the password and sign out every other session. Returns how many were revoked."""
    if not passwords.verify_password(user.password_hash, current):
        raise NotAuthenticated("The current password is wrong.")
    passwords.check_password_policy(new)
    user.password_hash = passwords.hash_password(new)
    session.add(user)
    session.flush()
    return revoke_all_sessions(session, user.id, keep=keep_session)


def create_organisation(session: Session, *, name: str, slug: str, owner: User) -> Organisation:
    slug = slug.strip().lower()
    if not SLUG_RE.match(slug):
        raise InvalidInput("An organisation slug has 3-64 lowercase letters, digits or hyphens.")
    if session.exec(select(Organisation).where(Organisation.slug == slug)).first() is not None:
        raise Conflict(f"The organisation slug '{slug}' is taken.")
    org = Organisation(name=name.strip(), slug=slug)
    session.add(org)
    session.flush()
    session.add(Membership(user_id=owner.id, org_id=org.id, role=Role.ADMIN))
    session.flush()
    return org


def memberships_of(session: Session, user_id: str) -> list[tuple[Membership, Organisation]]:
    rows = session.exec(
        select(Membership, Organisation)
        .join(Organisation, Organisation.id == Membership.org_id)  # type: ignore[arg-type]
        .where(Membership.user_id == user_id)
        .order_by(Organisation.name)
    ).all()
    return list(rows)


def count_admins(session: Session, org_id: str) -> int:
    return session.exec(
        select(func.count()).select_from(Membership).where(Membership.org_id == org_id, Membership.role == Role.ADMIN)
    ).one()
