"""Organisations and their members."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Response
from pydantic import BaseModel, EmailStr, Field

from api.deps import AdminScope, PrincipalDep, ScopeDep, SessionDep
from prodready.accounts import members, service
from prodready.accounts.models import Membership, Role, User
from prodready.accounts.scope import OrgScope

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
    return _member_out(*members.membership(scope, user_id))


@router.post("/{org}/members", status_code=201, response_model=MemberOut)
def add_member(body: MemberIn, scope: AdminScope) -> MemberOut:
    return _member_out(*members.add_member(scope, body.email, body.role))


@router.patch("/{org}/members/{user_id}", response_model=MemberOut)
def change_role(user_id: str, body: RoleIn, scope: AdminScope) -> MemberOut:
    return _member_out(*members.change_role(scope, user_id, body.role))


@router.delete("/{org}/members/{user_id}", status_code=204)
def remove_member(user_id: str, scope: AdminScope) -> Response:
    members.remove_member(scope, user_id)
    return Response(status_code=204)
