"""What routes need, declared once as Annotated dependencies."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Cookie, Depends, Header, Request
from sqlmodel import Session

from prodready.accounts import api_keys
from prodready.accounts.models import ApiKey, Role
from prodready.accounts.principal import (
    SAFE_METHODS,
    SESSION_COOKIE,
    Principal,
    check_csrf,
    resolve_principal,
)
from prodready.accounts.scope import OrgScope, api_key_scope, member_scope
from prodready.db import Database
from prodready.errors import NotAuthenticated
from prodready.ratelimit import RateLimiter
from prodready.settings import Settings


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_limiter(request: Request) -> RateLimiter:
    return request.app.state.limiter


def db_session(request: Request) -> Iterator[Session]:
    """One unit of work per request, committed before the response is sent."""
    database: Database = request.app.state.database
    with database.unit_of_work(write=request.method not in SAFE_METHODS) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
LimiterDep = Annotated[RateLimiter, Depends(get_limiter)]
# scope="function": the commit happens before the response, so a failed commit is never a 200.
SessionDep = Annotated[Session, Depends(db_session, scope="function")]


def optional_principal(
    request: Request,
    session: SessionDep,
    authorization: Annotated[str | None, Header()] = None,
    session_cookie: Annotated[str | None, Cookie(alias=SESSION_COOKIE)] = None,
) -> Principal | None:
    principal = resolve_principal(session, authorization=authorization, cookie=session_cookie)
    if principal is not None:
        check_csrf(principal, request.method, request.headers.get("x-csrf-token"))
    return principal


def current_principal(principal: Annotated[Principal | None, Depends(optional_principal)]) -> Principal:
    if principal is None:
        raise NotAuthenticated("Sign in, or send a session token as 'Authorization: Bearer <token>'.")
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]
OptionalPrincipalDep = Annotated[Principal | None, Depends(optional_principal)]


def org_scope(org: str, session: SessionDep, principal: PrincipalDep) -> OrgScope:
    return member_scope(session, principal.user, org)


ScopeDep = Annotated[OrgScope, Depends(org_scope)]


def _role_scope(role: Role):  # noqa: ANN202 - returns a dependency
    def dependency(scope: ScopeDep) -> OrgScope:
        return scope.require(role)

    return dependency


InterviewerScope = Annotated[OrgScope, Depends(_role_scope(Role.INTERVIEWER))]
AdminScope = Annotated[OrgScope, Depends(_role_scope(Role.ADMIN))]


def api_key(
    session: SessionDep,
    x_api_key: Annotated[str | None, Header()] = None,
    authorization: Annotated[str | None, Header()] = None,
) -> ApiKey:
    secret = x_api_key
    if secret is None and authorization and authorization.lower().startswith("bearer "):
        secret = authorization[7:].strip()
    if not secret:
        raise NotAuthenticated("Send the organisation's API key in the X-API-Key header.")
    return api_keys.authenticate_api_key(session, secret)


ApiKeyDep = Annotated[ApiKey, Depends(api_key)]


def api_key_org_scope(key: ApiKeyDep, session: SessionDep) -> OrgScope:
    return api_key_scope(session, key.org_id)


ApiKeyScope = Annotated[OrgScope, Depends(api_key_org_scope)]
