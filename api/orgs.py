"""Organisations and their members."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, EmailStr, Field

from api.deps import AdminScope, PrincipalDep, ScopeDep, SessionDep
from prodready.accounts import service
from prodready.accounts.models import Membership, Role, User
from prodready.accounts.scope import OrgScope
from prodready.errors import Conflict, NotFound

router = APIRouter(prefix="/orgs", tags=["organisations"])


class OrgIn(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    slug: str = Field(min_length=3, max_length=64)


class OrgOut(BaseModel):
    id: str
    slug: str
    name: str
    role: str
    created_at: datetime


class MemberIn(BaseModel):
    email: EmailStr
    role: Role = Role.CANDIDATE


class RoleIn(BaseModel):
    role: Role


class MemberOut(BaseModel):
    user_id: str
    email: str
    display_name: str
    role: str
    joined_at: datetime


def _org_out(scope: OrgScope) -> OrgOut:
    org = scope.org
    return OrgOut(id=org.id, slug=org.slug, name=org.name, role=scope.role.value, created_at=org.created_at)


def _member_out(membership: Membership, user: User) -> MemberOut:
    return MemberOut(
        user_id=user.id, email=user.email, display_name=user.display_name, role=membership.role,
        joined_at=membership.created_at,
    )


def _membership(scope: OrgScope, user_id: str) -> tuple[Membership, User]:
    row = scope.session.exec(
        scope.select(Membership).where(Membership.user_id == user_id)
    ).first()
    user = scope.session.get(User, user_id) if row else None
    if row is None or user is None:
        raise NotFound("No such member in this organisation.")
    return row, user


@router.post("", status_code=201, response_model=OrgOut)
def create_org(body: OrgIn, principal: PrincipalDep, session: SessionDep) -> OrgOut:
    org = service.create_organisation(session, name=body.name, slug=body.slug, owner=principal.user)
    return OrgOut(id=org.id, slug=org.slug, name=org.name, role=Role.ADMIN.value, created_at=org.created_at)


@router.get("", response_model=list[OrgOut])
def my_orgs(principal: PrincipalDep, session: SessionDep) -> list[OrgOut]:
    return [
        OrgOut(id=org.id, slug=org.slug, name=org.name, role=m.role, created_at=org.created_at)
        for m, org in service.memberships_of(session, principal.user.id)
    ]


@router.get("/{org}", response_model=OrgOut)
def get_org(scope: ScopeDep) -> OrgOut:
    return _org_out(scope)


@router.get("/{org}/members", response_model=list[MemberOut])
def list_members(scope: ScopeDep) -> list[MemberOut]:
    scope.require(Role.INTERVIEWER)
    rows = scope.session.exec(
        scope.select(Membership).join(User, User.id == Membership.user_id).order_by(User.display_name)  # type: ignore[arg-type]
    ).all()
    return [_member_out(m, scope.session.get(User, m.user_id)) for m in rows]  # type: ignore[arg-type]


@router.get("/{org}/members/{user_id}", response_model=MemberOut)
def get_member(user_id: str, scope: ScopeDep) -> MemberOut:
    # Candidates may see their own membership, not other candidates'.
    if scope.user is None or user_id != scope.user.id:
        scope.require(Role.INTERVIEWER)
    return _member_out(*_membership(scope, user_id))


@router.post("/{org}/members", status_code=201, response_model=MemberOut)
def add_member(body: MemberIn, scope: AdminScope) -> MemberOut:
    user = service.find_user_by_email(scope.session, body.email)
    if user is None:
        raise NotFound("No account has this email; ask the person to sign up first.")
    existing = scope.session.exec(scope.select(Membership).where(Membership.user_id == user.id)).first()
    if existing is not None:
        raise Conflict("This person is already a member.")
    membership = scope.add(Membership(user_id=user.id, org_id=scope.org.id, role=body.role))
    return _member_out(membership, user)


@router.patch("/{org}/members/{user_id}", response_model=MemberOut)
def change_role(user_id: str, body: RoleIn, scope: AdminScope) -> MemberOut:
    membership, user = _membership(scope, user_id)
    demoting = membership.role == Role.ADMIN and body.role != Role.ADMIN
    if demoting and service.count_admins(scope.session, scope.org.id) <= 1:
        raise Conflict("An organisation needs at least one admin.")
    membership.role = body.role
    scope.session.add(membership)
    scope.session.flush()
    return _member_out(membership, user)


@router.delete("/{org}/members/{user_id}", status_code=204)
def remove_member(user_id: str, scope: AdminScope) -> Response:
    membership, _user = _membership(scope, user_id)
    if membership.role == Role.ADMIN and service.count_admins(scope.session, scope.org.id) <= 1:
        raise Conflict("An organisation needs at least one admin.")
    scope.session.delete(membership)
    scope.session.flush()
    return Response(status_code=204)


