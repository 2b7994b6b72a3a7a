"""Organisation settings for admins (members and API keys have their own routers)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import AdminScope
from prodready.accounts import members

router = APIRouter(tags=["organisations"])


class OrgSettingsIn(BaseModel):
    name: str = Field(min_length=1, max_length=120)


class OrgSettingsOut(BaseModel):
    id: str
    slug: str
    name: str


@router.patch("/orgs/{org}", response_model=OrgSettingsOut)
def update_org(body: OrgSettingsIn, scope: AdminScope) -> OrgSettingsOut:
    org = members.rename(scope, body.name)
    return OrgSettingsOut(id=org.id, slug=org.slug, name=org.name)
