"""Admin pages: organisation name, members and roles, API keys, widget embedding origins, webhooks.

The same rules as the JSON API: `prodready.accounts.members` (`/api/v1/orgs/{org}`,
`/members`), `prodready.accounts.api_keys` (`/api-keys`), `credentials.origins` and
`credentials.webhooks` (`/webhooks`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from credentials import origins, webhooks
from prodready.accounts import api_keys, members
from prodready.accounts.models import Role
from prodready.accounts.scope import OrgScope
from prodready.errors import Conflict, InvalidInput, NotFound
from web import htmx
from web.deps import PageAdminScope, PageSettingsDep
from web.templating import render

router = APIRouter()
Text = Annotated[str, Form(max_length=254)]
EventTypes = Annotated[list[str] | None, Form(max_length=len(webhooks.EVENT_TYPES))]


def admin_context(scope: OrgScope) -> dict[str, Any]:
    return {"title": f"Admin: {scope.org.name}", "org": scope.org, "members": members.members(scope),
            "roles": [r.value for r in Role], "keys": api_keys.list_api_keys(scope),
            "origins": origins.list_origins(scope), "webhooks": webhooks.list_endpoints(scope),
            "event_types": webhooks.EVENT_TYPES, "webhook_form": {"url": "", "event_types": webhooks.EVENT_TYPES},
            "new_key": None, "new_webhook_secret": None, "errors": []}


def _page(request: Request, scope: OrgScope, *, errors: list[str] | None = None, new_key: str | None = None,
          new_webhook_secret: str | None = None, webhook_form: dict[str, Any] | None = None,
          status: int = 200) -> Response:
    context = admin_context(scope)
    context.update(errors=errors or [], new_key=new_key, new_webhook_secret=new_webhook_secret)
    if webhook_form is not None:
        context["webhook_form"] = webhook_form
    headers = {"Cache-Control": "no-store"} if new_key or new_webhook_secret else None
    return render(request, "admin/index.html", context, status_code=status, headers=headers)


def _done(request: Request, scope: OrgScope) -> Response:
    return htmx.redirect(request, f"/orgs/{scope.org.slug}/admin")


@router.get("/orgs/{org}/admin")
def admin_page(request: Request, scope: PageAdminScope) -> Response:
    return _page(request, scope)


@router.post("/orgs/{org}/admin/name")
def rename(request: Request, scope: PageAdminScope, name: Annotated[str, Form(max_length=120)] = "") -> Response:
    try:
        members.rename(scope, name)
    except InvalidInput as exc:
        return _page(request, scope, errors=[exc.detail], status=422)
    return _done(request, scope)


@router.post("/orgs/{org}/admin/members")
def add_member(request: Request, scope: PageAdminScope, email: Text = "", role: Text = "candidate") -> Response:
    try:
        members.add_member(scope, email, Role(role) if role in Role.__members__.values() else Role.CANDIDATE)
    except (NotFound, Conflict) as exc:
        return _page(request, scope, errors=[exc.detail], status=422)
    return _done(request, scope)


@router.post("/orgs/{org}/admin/members/{user_id}/role")
def change_role(user_id: str, request: Request, scope: PageAdminScope, role: Text = "") -> Response:
    if role not in Role.__members__.values():
        return _page(request, scope, errors=["Choose candidate, interviewer or admin."], status=422)
    try:
        members.change_role(scope, user_id, Role(role))
    except Conflict as exc:
        return _page(request, scope, errors=[exc.detail], status=409)
    return _done(request, scope)


@router.post("/orgs/{org}/admin/members/{user_id}/remove")
def remove_member(user_id: str, request: Request, scope: PageAdminScope) -> Response:
    try:
        members.remove_member(scope, user_id)
    except Conflict as exc:
        return _page(request, scope, errors=[exc.detail], status=409)
    return _done(request, scope)


@router.post("/orgs/{org}/admin/keys")
def create_key(request: Request, scope: PageAdminScope, name: Annotated[str, Form(max_length=80)] = "") -> Response:
    try:
        _key, secret = api_keys.create_api_key(scope, name=name)
    except InvalidInput as exc:
        return _page(request, scope, errors=[exc.detail], status=422)
    # Shown this once, on this response only; never stored in clear.
    return _page(request, scope, new_key=secret)


@router.post("/orgs/{org}/admin/keys/{key_id}/revoke")
def revoke_key(key_id: str, request: Request, scope: PageAdminScope) -> Response:
    api_keys.revoke_api_key(scope, key_id)
    return _done(request, scope)


@router.post("/orgs/{org}/admin/origins")
def add_origin(request: Request, scope: PageAdminScope, origin: Annotated[str, Form(max_length=300)] = "") -> Response:
    try:
        origins.add_origin(scope, origin)
    except (InvalidInput, Conflict) as exc:
        return _page(request, scope, errors=[exc.detail], status=422)
    return _done(request, scope)


@router.post("/orgs/{org}/admin/origins/{origin_id}/remove")
def remove_origin(origin_id: str, request: Request, scope: PageAdminScope) -> Response:
    origins.remove_origin(scope, origin_id)
    return _done(request, scope)


@router.post("/orgs/{org}/admin/webhooks")
def add_webhook(request: Request, scope: PageAdminScope, settings: PageSettingsDep,
                url: Annotated[str, Form(max_length=2048)] = "",
                event_types: EventTypes = None) -> Response:
    chosen = list(event_types or [])
    try:
        _endpoint, secret = webhooks.create_endpoint(scope, url=url, event_types=chosen,
                                                     signing_key=settings.signing_key(),
                                                     allow_private=settings.webhook_allow_private,
                                                     environment=settings.environment.value)
    except InvalidInput as exc:
        # Keep what was typed so the admin can correct it rather than start again.
        return _page(request, scope, errors=[exc.detail], webhook_form={"url": url, "event_types": chosen},
                     status=422)
    # The signing secret is shown this once, on this response only; it is stored encrypted.
    return _page(request, scope, new_webhook_secret=secret)


@router.post("/orgs/{org}/admin/webhooks/{endpoint_id}/remove")
def remove_webhook(endpoint_id: str, request: Request, scope: PageAdminScope) -> Response:
    webhooks.delete_endpoint(scope, endpoint_id)
    return _done(request, scope)
