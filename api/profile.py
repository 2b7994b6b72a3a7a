"""A candidate's own skill profile, what of it they publish, and their consents to organisations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from api.credentials import ProfileCacheDep, base_url
from api.deps import PrincipalDep, SessionDep, SettingsDep
from api.questions import CatalogDep
from credentials import consent, publishing
from credentials.profile import SkillProfile

router = APIRouter(tags=["skill profile"])


class Publication(BaseModel):
    published: bool
    public_id: str | None
    detail: str
    embed_org_ids: list[str]
    published_at: datetime | None
    widget_url: str | None


class OwnProfile(BaseModel):
    profile: SkillProfile
    publication: Publication


class PublishIn(BaseModel):
    detail: Literal["overall", "areas"] = "overall"
    embed_org_ids: list[Annotated[str, Field(max_length=64)]] = Field(default_factory=list, max_length=20)


class ConsentOut(BaseModel):
    org_id: str
    org_slug: str
    org_name: str
    granted_at: datetime
    withdrawn_at: datetime | None


def _publication(session, user_id: str, base: str) -> Publication:  # noqa: ANN001
    found = publishing.publication_of(session, user_id)
    if found is None:
        return Publication(published=False, public_id=None, detail="overall", embed_org_ids=[], published_at=None,
                           widget_url=None)
    return Publication(published=found.published, public_id=found.public_id, detail=found.detail,
                       embed_org_ids=list(found.embed_org_ids), published_at=found.published_at,
                       widget_url=f"{base}/embed/profiles/{found.public_id}" if found.published else None)


@router.get("/profile", response_model=OwnProfile)
def own_profile(principal: PrincipalDep, session: SessionDep, catalog: CatalogDep, cache: ProfileCacheDep,
                request: Request, settings: SettingsDep) -> OwnProfile:
    """Your skill profile (private to you) and what of it you have published."""
    return OwnProfile(profile=cache.get(session, catalog, principal.user.id),
                      publication=_publication(session, principal.user.id, base_url(request, settings)))


@router.put("/profile/publication", response_model=Publication)
def publish(body: PublishIn, principal: PrincipalDep, session: SessionDep, request: Request,
            settings: SettingsDep) -> Publication:
    """Publish your profile: overall only or per area, and which of your organisations may embed it."""
    publishing.publish(session, principal.user, detail=body.detail, embed_org_ids=body.embed_org_ids)
    return _publication(session, principal.user.id, base_url(request, settings))


@router.delete("/profile/publication", response_model=Publication)
def unpublish(principal: PrincipalDep, session: SessionDep, request: Request, settings: SettingsDep) -> Publication:
    """Take your profile down: the public API and the widget answer 404 from the next request."""
    publishing.unpublish(session, principal.user)
    return _publication(session, principal.user.id, base_url(request, settings))


@router.get("/profile/consents", response_model=list[ConsentOut])
def list_consents(principal: PrincipalDep, session: SessionDep) -> list[ConsentOut]:
    return [ConsentOut(org_id=o.id, org_slug=o.slug, org_name=o.name, granted_at=c.granted_at,
                       withdrawn_at=c.withdrawn_at) for c, o in consent.consents_of(session, principal.user.id)]


@router.put("/profile/consents/{org}", status_code=204)
def grant_consent(org: str, principal: PrincipalDep, session: SessionDep) -> Response:
    """Let this organisation read your results with its API keys."""
    consent.grant(session, principal.user, org)
    return Response(status_code=204)


@router.delete("/profile/consents/{org}", status_code=204)
def withdraw_consent(org: str, principal: PrincipalDep, session: SessionDep) -> Response:
    consent.withdraw(session, principal.user, org)
    return Response(status_code=204)
