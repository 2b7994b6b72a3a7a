"""Organisation API keys for integrations (career sites, ATS)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api.deps import AdminScope, ApiKeyDep, ApiKeyScope
from prodready.accounts import api_keys
from prodready.accounts.models import ApiKey

router = APIRouter(tags=["api keys"])


class KeyIn(BaseModel):
    name: str = Field(min_length=1, max_length=80)


class KeyOut(BaseModel):
    id: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def of(cls, key: ApiKey) -> KeyOut:
        return cls(
            id=key.id, name=key.name, prefix=key.prefix, created_at=key.created_at,
            last_used_at=key.last_used_at, revoked_at=key.revoked_at,
        )


class NewKeyOut(KeyOut):
    key: str = Field(description="the secret: shown this once, store it now")


class WhoAmI(BaseModel):
    org_id: str
    org_slug: str
    org_name: str
    key_prefix: str


@router.post("/orgs/{org}/api-keys", status_code=201, response_model=NewKeyOut)
def create_key(body: KeyIn, scope: AdminScope) -> NewKeyOut:
    key, secret = api_keys.create_api_key(scope, name=body.name)
    return NewKeyOut(**KeyOut.of(key).model_dump(), key=secret)


@router.get("/orgs/{org}/api-keys", response_model=list[KeyOut])
def list_keys(scope: AdminScope) -> list[KeyOut]:
    return [KeyOut.of(k) for k in api_keys.list_api_keys(scope)]


@router.delete("/orgs/{org}/api-keys/{key_id}", response_model=KeyOut)
def revoke_key(key_id: str, scope: AdminScope) -> KeyOut:
    return KeyOut.of(api_keys.revoke_api_key(scope, key_id))


@router.get("/integrations/whoami", response_model=WhoAmI)
def whoami(key: ApiKeyDep, scope: ApiKeyScope) -> WhoAmI:
    """Check an API key: which organisation it acts for."""
    return WhoAmI(org_id=scope.org.id, org_slug=scope.org.slug, org_name=scope.org.name, key_prefix=key.prefix)
