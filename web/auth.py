"""Sign up, sign in, sign out, change password and choose an organisation context.

The same account service and rate limits as the JSON API (`/api/v1/auth/...`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from pydantic import EmailStr, TypeAdapter, ValidationError
from sqlmodel import Session
from starlette.responses import Response

from prodready.accounts import service
from prodready.accounts.models import User
from prodready.accounts.principal import SESSION_COOKIE
from prodready.errors import Conflict, InvalidInput, NotAuthenticated, ProdreadyError
from prodready.ratelimit import RateLimiter
from prodready.settings import Settings
from web import htmx
from web.deps import ORG_COOKIE, PagePrincipalDep, PageSessionDep, PageSettingsDep, VisitorDep
from web.templating import render

router = APIRouter()

_email = TypeAdapter(EmailStr)
ShortText = Annotated[str, Form(max_length=254)]
Password = Annotated[str, Form(max_length=256)]
NextUrl = Annotated[str, Form(max_length=500)]


def safe_next(target: str | None, default: str = "/bank") -> str:
    """Only same-site paths: never `//host`, a scheme, or a backslash trick."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _limiter(request: Request) -> RateLimiter:
    return request.app.state.limiter


def _start(request: Request, session: Session, settings: Settings, user: User, target: str) -> Response:
    ttl = timedelta(hours=settings.session_ttl_hours)
    issued = service.start_session(session, user, ttl=ttl, user_agent=request.headers.get("user-agent", ""))
    response = htmx.redirect(request, target)
    response.set_cookie(
        SESSION_COOKIE, issued.token, max_age=int(ttl.total_seconds()), httponly=True,
        secure=settings.secure_cookies, samesite="lax", path="/",
    )
    return response


@router.get("/signup")
def signup_page(request: Request, principal: VisitorDep, next: str = "") -> Response:  # noqa: A002 - query name
    return render(request, "auth/signup.html", {"title": "Sign up", "form": {}, "errors": [], "next": next})


@router.post("/signup")
def signup(
    request: Request, principal: VisitorDep, session: PageSessionDep, settings: PageSettingsDep,
    email: ShortText = "", display_name: Annotated[str, Form(max_length=120)] = "", password: Password = "",
    next: NextUrl = "",  # noqa: A002 - form field name
) -> Response:
    form = {"email": email, "display_name": display_name}
    _limiter(request).hit(settings.register_rate_limit, "register", _client_ip(request))
    try:
        _email.validate_python(email)
        user = service.register_user(session, email=email, password=password, display_name=display_name)
    except ValidationError:
        errors, status = ["Enter an email address like name@example.com."], 422
    except (InvalidInput, Conflict) as exc:
        errors, status = [exc.detail], exc.status
    else:
        return _start(request, session, settings, user, safe_next(next))
    context = {"title": "Sign up", "form": form, "errors": errors, "next": next}
    return render(request, "auth/signup.html", context, status_code=status)


@router.get("/signin")
def signin_page(request: Request, principal: VisitorDep, next: str = "") -> Response:  # noqa: A002
    return render(request, "auth/signin.html", {"title": "Sign in", "form": {}, "errors": [], "next": next})


@router.post("/signin")
def signin(
    request: Request, principal: VisitorDep, session: PageSessionDep, settings: PageSettingsDep,
    email: ShortText = "", password: Password = "", next: NextUrl = "",  # noqa: A002
) -> Response:
    limiter = _limiter(request)
    limiter.hit(settings.login_rate_limit, "login-ip", _client_ip(request))
    limiter.hit(settings.login_rate_limit, "login-account", service.normalise_email(email))
    try:
        user = service.authenticate(session, email=email, password=password)
    except NotAuthenticated as exc:
        context = {"title": "Sign in", "form": {"email": email}, "errors": [exc.detail], "next": next}
        return render(request, "auth/signin.html", context, status_code=401)
    return _start(request, session, settings, user, safe_next(next))


@router.post("/signout")
def signout(request: Request, principal: PagePrincipalDep, session: PageSessionDep) -> Response:
    service.revoke_session(session, principal.auth_session)
    response = htmx.redirect(request, "/")
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(ORG_COOKIE, path="/")
    return response


@router.get("/account")
def account(request: Request, principal: PagePrincipalDep, changed: int = 0) -> Response:
    context = {"title": "Your account", "errors": [], "changed": changed}
    return render(request, "auth/account.html", context)


@router.post("/account/password")
def change_password(
    request: Request, principal: PagePrincipalDep, session: PageSessionDep,
    current_password: Password = "", new_password: Password = "",
) -> Response:
    try:
        service.change_password(
            session, principal.user, current=current_password, new=new_password,
            keep_session=principal.auth_session.id,
        )
    except ProdreadyError as exc:
        # A wrong current password is a form error here, not a reason to sign the person out.
        status = 422 if isinstance(exc, NotAuthenticated) else exc.status
        context = {"title": "Your account", "errors": [exc.detail], "changed": 0}
        return render(request, "auth/account.html", context, status_code=status)
    return htmx.redirect(request, "/account?changed=1")


@router.post("/account/context")
def choose_context(
    request: Request, principal: PagePrincipalDep, settings: PageSettingsDep,
    org: Annotated[str, Form(max_length=64)] = "", next: NextUrl = "",  # noqa: A002
) -> Response:
    """Act in one of the person's organisations, or alone (empty). Unknown slugs are refused, not stored."""
    response = htmx.redirect(request, safe_next(next, "/"))
    if not org:
        response.delete_cookie(ORG_COOKIE, path="/")
        return response
    if all(choice.slug != org for choice in request.state.memberships):
        raise InvalidInput("You are not a member of that organisation.")
    response.set_cookie(ORG_COOKIE, org, httponly=True, secure=settings.secure_cookies, samesite="lax", path="/")
    return response
