"""The candidate's skill profile: what to publish, who may embed it, credentials and consents.

Built by the same domain functions as `GET/PUT/DELETE /api/v1/profile...` and `/api/v1/credentials`.
Revoking a credential asks first (a page with the credential and a confirming form; no JavaScript
needed), then revokes it as `POST /api/v1/credentials/{id}/revoke` does and says so on the profile.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import Response

from credentials import consent, issuing, publishing
from credentials.models import IssuedCredential
from credentials.profile import AREA_LABELS, ProfileCache
from prodready.accounts.service import memberships_of
from prodready.db import utcnow
from prodready.errors import InvalidInput, NotFound
from web import htmx
from web.bank import CatalogDep
from web.deps import PagePrincipalDep, PageSessionDep, PageSettingsDep
from web.templating import render

router = APIRouter()
CACHE_KEY = "credentials.profiles"  # shared with the JSON API: one cache per app


def _cache(request: Request) -> ProfileCache:
    return request.app.state.extensions.setdefault(CACHE_KEY, ProfileCache())


def _base_url(request: Request, settings) -> str:  # noqa: ANN001
    return (settings.public_url or str(request.base_url)).rstrip("/")


def _page(request: Request, principal, session, catalog, settings, *, errors=(), status: int = 200,  # noqa: ANN001
          issued: str | None = None, revoked: IssuedCredential | None = None) -> Response:
    user_id = principal.user.id
    publication = publishing.publication_of(session, user_id)
    context = {
        "title": "Your skill profile",
        "profile": _cache(request).get(session, catalog, user_id),
        "publication": publication,
        "widget_url": f"{_base_url(request, settings)}/embed/profiles/{publication.public_id}"
        if publication and publication.published else None,
        "orgs": [org for _m, org in memberships_of(session, user_id)],
        "consents": {c.org_id: c for c, _org in consent.consents_of(session, user_id) if c.withdrawn_at is None},
        "credentials": issuing.credentials_of(session, user_id), "now": utcnow(),
        "areas": AREA_LABELS, "errors": list(errors), "issued": issued, "revoked": revoked,
    }
    return render(request, "profile/index.html", context, status_code=status)


@router.get("/profile")
def profile_page(request: Request, principal: PagePrincipalDep, session: PageSessionDep, catalog: CatalogDep,
                 settings: PageSettingsDep, revoked: str = "") -> Response:
    # After a revocation the redirect names the credential, to confirm it; only the owner's own, revoked one.
    record = None
    if revoked:
        try:
            record = issuing.own_credential(session, principal.user.id, revoked[:32])
        except NotFound:
            record = None
    return _page(request, principal, session, catalog, settings,
                 revoked=record if record is not None and record.revoked_at is not None else None)


@router.post("/profile/publish")
def publish(request: Request, principal: PagePrincipalDep, session: PageSessionDep,
            detail: Annotated[str, Form(max_length=16)] = "overall",
            embed_org_ids: Annotated[list[str] | None, Form(max_length=20)] = None) -> Response:
    publishing.publish(session, principal.user, detail="areas" if detail == "areas" else "overall",
                       embed_org_ids=list(embed_org_ids or []))
    return htmx.redirect(request, "/profile")


@router.post("/profile/unpublish")
def unpublish(request: Request, principal: PagePrincipalDep, session: PageSessionDep) -> Response:
    publishing.unpublish(session, principal.user)
    return htmx.redirect(request, "/profile")


@router.post("/profile/consents/{org}")
def set_consent(org: str, request: Request, principal: PagePrincipalDep, session: PageSessionDep,
                grant: Annotated[str, Form(max_length=8)] = "") -> Response:
    if grant == "yes":
        consent.grant(session, principal.user, org)
    else:
        consent.withdraw(session, principal.user, org)
    return htmx.redirect(request, "/profile")


@router.post("/profile/credentials")
def issue_credential(request: Request, principal: PagePrincipalDep, session: PageSessionDep, catalog: CatalogDep,
                     settings: PageSettingsDep, skill: Annotated[str, Form(max_length=16)] = "overall") -> Response:
    issuer = issuing.Issuer(_base_url(request, settings), settings.signing_key(), settings.credential_valid_days)
    profile = _cache(request).get(session, catalog, principal.user.id)
    try:
        record = issuing.issue_for_candidate(session, issuer, principal.user, profile, skill)
    except (InvalidInput, NotFound) as exc:
        return _page(request, principal, session, catalog, settings, errors=[exc.detail], status=422)
    return _page(request, principal, session, catalog, settings, issued=record.id)


def _confirm_page(request: Request, record: IssuedCredential) -> Response:
    return render(request, "profile/revoke.html", {"title": "Revoke a credential", "credential": record,
                                                   "areas": AREA_LABELS, "now": utcnow()},
                  headers={"Cache-Control": "no-store"})


@router.get("/profile/credentials/{credential_id}/revoke")
def revoke_page(credential_id: str, request: Request, principal: PagePrincipalDep,
                session: PageSessionDep) -> Response:
    """The confirmation step: which credential, and what revoking it means. Anyone else's is a 404."""
    return _confirm_page(request, issuing.own_credential(session, principal.user.id, credential_id[:32]))


@router.post("/profile/credentials/{credential_id}/revoke")
def revoke_credential(credential_id: str, request: Request, principal: PagePrincipalDep, session: PageSessionDep,
                      confirm: Annotated[str, Form(max_length=8)] = "") -> Response:
    """The profile's Revoke button asks first; the confirmation page's button (`confirm=yes`) revokes.

    Revoking twice changes nothing. Anyone else's credential is a 404, asked or confirmed."""
    if confirm != "yes":
        return _confirm_page(request, issuing.own_credential(session, principal.user.id, credential_id[:32]))
    record, _newly = issuing.revoke_for_candidate(session, principal.user.id, credential_id[:32])
    return htmx.redirect(request, f"/profile?revoked={record.id}#credentials-heading")
