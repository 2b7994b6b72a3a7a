"""Jinja2 for the pages: autoescaped, one environment, and the context every page gets.

`render` gives a full page; `render_fragment` gives the page, or only its
`_fragment` template when htmx asks, with `Vary: HX-Request` either way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from web import csrf, htmx
from web.markdown import render_markdown
from web.static_files import static_url

TEMPLATE_DIR = Path(__file__).parent / "templates"
HTMX_VERSION = "2.0.11"
# No inline script or style anywhere, so a stray tag in user text could not run even if escaping failed.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _build_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        # Every template and every string rendered from one is escaped, including .svg fragments.
        autoescape=select_autoescape(enabled_extensions=("html", "svg", "xml"), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(csrf_field=_csrf_field, static_url=static_url, htmx_version=HTMX_VERSION)
    env.filters["markdown"] = render_markdown
    return env


@pass_context
def _csrf_field(context: Any) -> Markup:
    """The hidden field every form posts: the session's token, or a pre-session token before sign-in."""
    token = csrf.form_token(context["request"])
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(token)


environment = _build_environment()


def page_context(request: Request, context: dict[str, Any]) -> dict[str, Any]:
    viewer = getattr(request.state, "viewer", None)
    base: dict[str, Any] = {
        "request": request,
        "user": viewer,
        "session_csrf": viewer.csrf_token if viewer else None,
        "memberships": getattr(request.state, "memberships", []),
        "current_org": getattr(request.state, "current_org", None),
        "title": None,
    }
    base.update(context)
    return base


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    html = environment.get_template(template).render(page_context(request, context or {}))
    response = HTMLResponse(html, status_code=status_code, headers={**SECURITY_HEADERS, **(headers or {})})
    csrf.attach_cookie(request, response)
    return response


def render_fragment(
    request: Request, page: str, fragment: str, context: dict[str, Any] | None = None, *, status_code: int = 200,
) -> HTMLResponse:
    """The full `page` for a browser, only `fragment` for htmx; the page template includes the fragment."""
    response = render(request, fragment if htmx.is_htmx(request) else page, context, status_code=status_code)
    htmx.vary_on_htmx(response)
    return response
