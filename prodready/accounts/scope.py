"""The one way to read or change an organisation's data.

Every query of organisation data goes through `OrgScope`: it knows whose
request this is and which organisation it acts in, filters by that
organisation, and refuses roles that are too low. Outsiders get 404, not
403, so the existence of another organisation's data is not revealed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, select
from sqlmodel.sql.expression import SelectOfScalar

from prodready.accounts.models import ROLE_RANK, Membership, Organisation, Role, User
from prodready.errors import Forbidden, NotFound

T = TypeVar("T", bound=SQLModel)


@dataclass(frozen=True)
class OrgScope:
    session: Session
    org: Organisation
    role: Role
    user: User | None = None  # None when an API key acts for the organisation

    def require(self, role: Role) -> OrgScope:
        if ROLE_RANK[self.role] < ROLE_RANK[role]:
            raise Forbidden(f"This needs the {role.value} role in {self.org.name}.")
        return self

    def select(self, model: type[T]) -> SelectOfScalar[T]:
        return select(model).where(model.org_id == self.org.id)  # type: ignore[attr-defined]

    def get(self, model: type[T], object_id: Any) -> T:
        obj = self.session.get(model, object_id)
        if obj is None or obj.org_id != self.org.id:  # type: ignore[attr-defined]
            raise NotFound(f"No such {model.__name__.lower()} in this organisation.")
        return obj

    def add(self, obj: T) -> T:
        obj.org_id = self.org.id  # type: ignore[attr-defined]
        self.session.add(obj)
        self.session.flush()
        return obj


def member_scope(session: Session, user: User, org_ref: str) -> OrgScope:
    """The scope of `user` in the organisation with this id or slug; 404 if not a member."""
    org = session.get(Organisation, org_ref) or session.exec(
        select(Organisation).where(Organisation.slug == org_ref)
    ).first()
    membership = None
    if org is not None:
        membership = session.exec(
            select(Membership).where(Membership.org_id == org.id, Membership.user_id == user.id)
        ).first()
    if org is None or membership is None:
        raise NotFound("No such organisation.")
    return OrgScope(session=session, org=org, role=Role(membership.role), user=user)


def api_key_scope(session: Session, org_id: str) -> OrgScope:
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound("No such organisation.")
    # A key acts with interviewer rights: it can read results, never administer.
    return OrgScope(session=session, org=org, role=Role.INTERVIEWER, user=None)
