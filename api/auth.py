"""Registration, sign-in, sign-out, sessions and password changes."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, EmailStr, Field
from sqlmodel import select

from api.deps import LimiterDep, PrincipalDep, SessionDep, SettingsDep
from prodready.accounts import service
from prodready.accounts.models import AuthSession, User
from prodready.accounts.principal import SESSION_COOKIE
from prodready.db import utcnow
from prodready.errors import NotFound
from prodready.settings import Settings

router = APIRouter(prefix="/auth", tags=["accounts"])


class RegisterIn(BaseModel):
    email: EmailStr
    password: str = Field(min_length=1, max_length=256)
    display_name: str = Field(min_length=1, max_length=120)


class LoginIn(BaseModel):
    email: EmailStr
    password: str = Field(min_length=1, max_length=256)


class PasswordChangeIn(BaseModel):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)


class UserOut(BaseModel):
    id: str
    email: str
    display_name: str
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(id=user.id, email=user.email, display_name=user.display_name, created_at=user.created_at)


class SignedIn(BaseModel):
    user: UserOut
    token: str = Field(description="session token for 'Authorization: Bearer'; also set as a cookie")
    csrf_token: str = Field(description="send as X-CSRF-Token with cookie-authenticated changes")
    expires_at: datetime


class MembershipOut(BaseModel):
    org_id: str
    org_slug: str
    org_name: str
    role: str


class MeOut(BaseModel):
    user: UserOut
    memberships: list[MembershipOut]
    csrf_token: str


class SessionOut(BaseModel):
    id: str
    created_at: datetime
    expires_at: datetime
    user_agent: str
    current: bool


class PasswordChanged(BaseModel):
    revoked_sessions: int


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _sign_in(response: Response, settings: Settings, session, user: User, request: Request) -> SignedIn:  # noqa: ANN001
    ttl = timedelta(hours=settings.session_ttl_hours)
    issued = service.start_session(session, user, ttl=ttl, user_agent=request.headers.get("user-agent", ""))
    response.set_cookie(
        SESSION_COOKIE, issued.token, max_age=int(ttl.total_seconds()), httponly=True,
        secure=settings.secure_cookies, samesite="lax", path="/",
    )
    return SignedIn(
        user=UserOut.of(user), token=issued.token, csrf_token=issued.record.csrf_token,
        expires_at=issued.record.expires_at,
    )


@router.post("/register", status_code=201, response_model=SignedIn)
def register(
    body: RegisterIn, request: Request, response: Response, session: SessionDep, settings: SettingsDep,
    limiter: LimiterDep,
) -> SignedIn:
    limiter.hit(settings.register_rate_limit, "register", _client_ip(request))
    user = service.register_user(
        session, email=body.email, password=body.password, display_name=body.display_name
    )
    return _sign_in(response, settings, session, user, request)


@router.post("/login", response_model=SignedIn)
def login(
    body: LoginIn, request: Request, response: Response, session: SessionDep, settings: SettingsDep,
    limiter: LimiterDep,
) -> SignedIn:
    # Per client and per account: one address cannot spray many accounts, nor many addresses one account.
    limiter.hit(settings.login_rate_limit, "login-ip", _client_ip(request))
    limiter.hit(settings.login_rate_limit, "login-account", service.normalise_email(body.email))
    user = service.authenticate(session, email=body.email, password=body.password)
    return _sign_in(response, settings, session, user, request)


@router.post("/logout", status_code=204)
def logout(principal: PrincipalDep, session: SessionDep, response: Response) -> Response:
    service.revoke_session(session, principal.auth_session)
    response.status_code = 204
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", response_model=MeOut)
def me(principal: PrincipalDep, session: SessionDep) -> MeOut:
    memberships = [
        MembershipOut(org_id=org.id, org_slug=org.slug, org_name=org.name, role=membership.role)
        for membership, org in service.memberships_of(session, principal.user.id)
    ]
    return MeOut(
        user=UserOut.of(principal.user), memberships=memberships, csrf_token=principal.auth_session.csrf_token
    )


@router.post("/password", response_model=PasswordChanged)
def change_password(body: PasswordChangeIn, principal: PrincipalDep, session: SessionDep) -> PasswordChanged:
    revoked = service.change_password(
        session, principal.user, current=body.current_password, new=body.new_password,
        keep_session=principal.auth_session.id,
    )
    return PasswordChanged(revoked_sessions=revoked)


@router.get("/sessions", response_model=list[SessionOut])
def list_sessions(principal: PrincipalDep, session: SessionDep) -> list[SessionOut]:
    records = session.exec(
        select(AuthSession)
        .where(
            AuthSession.user_id == principal.user.id,
            AuthSession.revoked_at.is_(None),  # type: ignore[union-attr]
            AuthSession.expires_at > utcnow(),
        )
        .order_by(AuthSession.created_at)
    ).all()
    return [
        SessionOut(
            id=r.id, created_at=r.created_at, expires_at=r.expires_at, user_agent=r.user_agent,
            current=r.id == principal.auth_session.id,
        )
        for r in records
    ]


@router.delete("/sessions/{session_id}", status_code=204)
def revoke_session(session_id: str, principal: PrincipalDep, session: SessionDep) -> Response:
    record = session.get(AuthSession, session_id)
    if record is None or record.user_id != principal.user.id:
        raise NotFound("No such session.")
    service.revoke_session(session, record)
    return Response(status_code=204)
