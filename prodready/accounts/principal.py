"""Who is making a request: a signed-in user (cookie or bearer token) or an API key.

Shared by the JSON API and the pages so both apply the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlmodel import Session

from prodready.accounts import service, tokens
from prodready.accounts.models import AuthSession, User
from prodready.errors import CsrfFailed

SESSION_COOKIE = "prodready_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Principal:
    user: User
    auth_session: AuthSession
    via: Literal["cookie", "bearer"]


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def resolve_principal(
    session: Session, *, authorization: str | None, cookie: str | None
) -> Principal | None:
    token = bearer_token(authorization)
    if token:
        # An explicit Authorization header wins over any cookie; an API key is not a user.
        if token.startswith(tokens.API_KEY_PREFIX):
            return None
        found = service.resolve_session(session, token)
        return Principal(found[1], found[0], "bearer") if found else None
    if cookie:
        found = service.resolve_session(session, cookie)
        return Principal(found[1], found[0], "cookie") if found else None
    return None


def check_csrf(principal: Principal, method: str, presented: str | None) -> None:
    """Cookie-authenticated changes must echo the session's CSRF token.

    A bearer token cannot be sent by another site's form, so it needs none.
    """
    if principal.via != "cookie" or method.upper() in SAFE_METHODS:
        return
    if not presented or not tokens.same(presented, principal.auth_session.csrf_token):
        raise CsrfFailed("Send the session's CSRF token in the X-CSRF-Token header or the csrf_token field.")
