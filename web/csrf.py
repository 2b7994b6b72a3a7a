"""CSRF for forms.

Signed-in forms echo the session's CSRF token (the rule in
`prodready.accounts.principal`). Before there is a session (sign-in, sign-up)
forms use a signed double-submit token: a random nonce in a SameSite cookie,
and the same nonce signed with the service key in the form. Another site can
make a browser post the form but cannot read or set the cookie, so login CSRF
is refused.
"""

from __future__ import annotations

import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from prodready.accounts import tokens
from prodready.accounts.principal import Principal, check_csrf
from prodready.errors import CsrfFailed
from prodready.settings import Settings

FORM_FIELD = "csrf_token"
PRESESSION_COOKIE = "prodready_form_csrf"
PRESESSION_MAX_AGE = 2 * 60 * 60
_SALT = "prodready.form-csrf"


def _serializer(request: Request) -> URLSafeTimedSerializer:
    settings: Settings = request.app.state.settings
    return URLSafeTimedSerializer(settings.signing_key(), salt=_SALT)


def form_token(request: Request) -> str:
    viewer = getattr(request.state, "viewer", None)
    if viewer is not None:
        return viewer.csrf_token
    nonce = getattr(request.state, "form_nonce", None) or request.cookies.get(PRESESSION_COOKIE)
    if not nonce or len(nonce) > 64:
        nonce = secrets.token_urlsafe(24)
        request.state.form_nonce_new = True
    request.state.form_nonce = nonce
    return _serializer(request).dumps(nonce)


def attach_cookie(request: Request, response: Response) -> None:
    """Set the pre-session nonce cookie if rendering a form just minted one."""
    if getattr(request.state, "form_nonce_new", False):
        settings: Settings = request.app.state.settings
        response.set_cookie(
            PRESESSION_COOKIE, request.state.form_nonce, max_age=PRESESSION_MAX_AGE, httponly=True,
            secure=settings.secure_cookies, samesite="strict", path="/",
        )


def verify_presession(request: Request, presented: str | None) -> None:
    cookie = request.cookies.get(PRESESSION_COOKIE)
    if not presented or not cookie:
        raise CsrfFailed("This form has expired or was not sent from this site. Reload the page and try again.")
    try:
        nonce = _serializer(request).loads(presented, max_age=PRESESSION_MAX_AGE)
    except BadSignature as exc:
        raise CsrfFailed("This form has expired or was not sent from this site. Reload the page and try again.") \
            from exc
    if not isinstance(nonce, str) or not tokens.same(nonce, cookie):
        raise CsrfFailed("This form was not sent from this site. Reload the page and try again.")


def verify_session(request: Request, principal: Principal, presented: str | None) -> None:
    check_csrf(principal, request.method, presented or request.headers.get("x-csrf-token"))
