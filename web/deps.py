"""What page routes need, declared once. Pages authenticate by the session cookie only,
and every POST is CSRF-checked here, before the route runs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session
from starlette.datastructures import FormData

from prodready.accounts import service
from prodready.accounts.models import Role
from prodready.accounts.principal import SAFE_METHODS, SESSION_COOKIE, Principal, resolve_principal
from prodready.accounts.scope import OrgScope, member_scope
from prodready.db import Database
from prodready.errors import NotAuthenticated
from prodready.settings import Settings
from web import csrf

ORG_COOKIE = "prodready_org"


def page_settings(request: Request) -> Settings:
    return request.app.state.settings


def page_session(request: Request) -> Iterator[Session]:
    database: Database = request.app.state.database
    with database.unit_of_work(write=request.method not in SAFE_METHODS) as session:
        yield session


async def posted_form(request: Request) -> FormData | None:
    """The parsed form of a POST (cached by Starlette, so `Form()` parameters read the same data)."""
    if request.method in SAFE_METHODS:
        return None
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return None
    return await request.form()


PageSettingsDep = Annotated[Settings, Depends(page_settings)]
PageSessionDep = Annotated[Session, Depends(page_session, scope="function")]
FormDep = Annotated[FormData | None, Depends(posted_form)]


def _presented_token(form: FormData | None) -> str | None:
    value = form.get(csrf.FORM_FIELD) if form is not None else None
    return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Viewer:
    """Plain values about who is asking, safe to render even after the unit of work rolled back."""

    id: str
    display_name: str
    email: str
    csrf_token: str


@dataclass(frozen=True)
class OrgChoice:
    id: str
    slug: str
    name: str
    role: str


def _remember(request: Request, session: Session, principal: Principal | None) -> None:
    """Who is asking, their organisations and the chosen organisation context, for the base template."""
    request.state.viewer = None
    request.state.memberships = []
    request.state.current_org = None
    if principal is None:
        return
    user = principal.user
    request.state.viewer = Viewer(user.id, user.display_name, user.email, principal.auth_session.csrf_token)
    request.state.memberships = [
        OrgChoice(org.id, org.slug, org.name, str(membership.role))
        for membership, org in service.memberships_of(session, user.id)
    ]
    chosen = request.cookies.get(ORG_COOKIE)
    request.state.current_org = next((org for org in request.state.memberships if org.slug == chosen), None)


def visitor(request: Request, session: PageSessionDep, form: FormDep) -> Principal | None:
    """Anyone; a POST needs the session's CSRF token when signed in, else the pre-session token."""
    principal = resolve_principal(session, authorization=None, cookie=request.cookies.get(SESSION_COOKIE))
    _remember(request, session, principal)
    if request.method not in SAFE_METHODS:
        if principal is not None:
            csrf.verify_session(request, principal, _presented_token(form))
        else:
            csrf.verify_presession(request, _presented_token(form))
    return principal


def signed_in(request: Request, session: PageSessionDep, form: FormDep) -> Principal:
    principal = resolve_principal(session, authorization=None, cookie=request.cookies.get(SESSION_COOKIE))
    _remember(request, session, principal)
    if principal is None:
        raise NotAuthenticated("Sign in to see this page.")
    csrf.verify_session(request, principal, _presented_token(form))
    return principal


VisitorDep = Annotated[Principal | None, Depends(visitor)]
PagePrincipalDep = Annotated[Principal, Depends(signed_in)]


def current_org(request: Request, principal: PagePrincipalDep) -> OrgChoice | None:
    """The organisation the person chose to act in, or None when practising alone."""
    return request.state.current_org


CurrentOrgDep = Annotated[OrgChoice | None, Depends(current_org)]


def page_scope(org: str, session: PageSessionDep, principal: PagePrincipalDep) -> OrgScope:
    """The signed-in person's scope in the organisation named by the `{org}` path parameter (404 if not a member)."""
    return member_scope(session, principal.user, org)


PageScopeDep = Annotated[OrgScope, Depends(page_scope)]


def _role_scope(role: Role):  # noqa: ANN202 - returns a dependency
    def dependency(scope: PageScopeDep) -> OrgScope:
        return scope.require(role)

    return dependency


PageInterviewerScope = Annotated[OrgScope, Depends(_role_scope(Role.INTERVIEWER))]
PageAdminScope = Annotated[OrgScope, Depends(_role_scope(Role.ADMIN))]
