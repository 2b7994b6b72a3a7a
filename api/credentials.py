"""Verifiable credentials: issue, list, revoke, verify; the issuer's JWKS, status lists and key rotation."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, Field

from api.deps import AdminScope, LimiterDep, PrincipalDep, SessionDep, SettingsDep
from api.questions import CatalogDep
from credentials import issuing, keys, vc
from credentials.profile import ProfileCache
from credentials.verify import verify_token
from prodready.errors import NotFound
from prodready.settings import Settings

router = APIRouter(tags=["credentials"])
# Served at the site root: where verifiers expect them.
wellknown_router = APIRouter(tags=["credentials"])
CACHE_KEY = "credentials.profiles"


def base_url(request: Request, settings: Settings) -> str:
    return (settings.public_url or str(request.base_url)).rstrip("/")


def profile_cache(request: Request) -> ProfileCache:
    return request.app.state.extensions.setdefault(CACHE_KEY, ProfileCache())


def issuer(request: Request, settings: SettingsDep) -> issuing.Issuer:
    return issuing.Issuer(base_url(request, settings), settings.signing_key(), settings.credential_valid_days)


ProfileCacheDep = Annotated[ProfileCache, Depends(profile_cache)]
IssuerDep = Annotated[issuing.Issuer, Depends(issuer)]


class IssueIn(BaseModel):
    skill: Literal["overall", "data", "features", "training", "evaluation", "deployment", "monitoring",
                   "retraining", "business", "sandbox"] = "overall"


class CredentialOut(BaseModel):
    id: str
    skill: str
    score: float
    level: str
    kid: str
    issued_at: datetime
    valid_until: datetime
    revoked_at: datetime | None
    jwt: str


class VerifyIn(BaseModel):
    credential: str = Field(max_length=64_000, description="the VC-JWT")


class VerifyOut(BaseModel):
    valid: bool
    reason: Literal["valid", "malformed", "unknown-key", "bad-signature", "expired", "not-yet-valid", "revoked",
                    "status-unavailable"]
    detail: str
    kid: str | None


def _credential_out(record) -> CredentialOut:  # noqa: ANN001
    return CredentialOut(id=record.id, skill=record.skill, score=record.score, level=record.level, kid=record.kid,
                         issued_at=record.issued_at, valid_until=record.valid_until, revoked_at=record.revoked_at,
                         jwt=record.jwt)


@router.post("/credentials", status_code=201, response_model=CredentialOut)
def issue_credential(body: IssueIn, principal: PrincipalDep, session: SessionDep, catalog: CatalogDep,
                     cache: ProfileCacheDep, issuer: IssuerDep) -> CredentialOut:
    """Issue yourself an Open Badges 3.0 credential (a signed VC-JWT) for your overall level or one area."""
    profile = cache.get(session, catalog, principal.user.id)
    record = issuing.issue_for_candidate(session, issuer, principal.user, profile, body.skill)
    return _credential_out(record)


@router.get("/credentials", response_model=list[CredentialOut])
def my_credentials(principal: PrincipalDep, session: SessionDep) -> list[CredentialOut]:
    return [_credential_out(r) for r in issuing.credentials_of(session, principal.user.id)]


@router.post("/credentials/verify", response_model=VerifyOut)
def verify_credential(body: VerifyIn, session: SessionDep, issuer: IssuerDep, request: Request,
                      limiter: LimiterDep, settings: SettingsDep) -> VerifyOut:
    """Check a credential against this issuer's keys and status lists: valid, or why not. No sign-in needed."""
    limiter.hit(settings.public_rate_limit, "verify", request.client.host if request.client else "unknown")
    verdict = verify_token(body.credential, keys.jwks(session),
                           status=issuing.local_status_source(session, issuer.base_url))
    return VerifyOut(valid=verdict.valid, reason=verdict.reason, detail=verdict.detail,  # type: ignore[arg-type]
                     kid=verdict.kid)


@router.post("/credentials/{credential_id}/revoke", response_model=CredentialOut)
def revoke_credential(credential_id: str, principal: PrincipalDep, session: SessionDep) -> CredentialOut:
    """Revoke one of your credentials: its status-list bit is set and verifiers refuse it."""
    record, _newly = issuing.revoke_for_candidate(session, principal.user.id, credential_id)
    return _credential_out(record)


class RotatedKey(BaseModel):
    kid: str
    created_at: datetime


@router.post("/orgs/{org}/issuer-keys/rotate", response_model=RotatedKey)
def rotate_issuer_key(scope: AdminScope, settings: SettingsDep) -> RotatedKey:
    """Operators only (admins of PRODREADY_ISSUER_ADMIN_ORG): a new key signs; old keys verify until they expire."""
    if not settings.issuer_admin_org or scope.org.slug != settings.issuer_admin_org:
        raise NotFound("Not found.")
    key = keys.rotate(scope.session, settings.signing_key(), credential_days=settings.credential_valid_days)
    return RotatedKey(kid=key.kid, created_at=key.created_at)


@wellknown_router.get("/.well-known/jwks.json")
def jwks(session: SessionDep) -> Response:
    return Response(content=_json(keys.jwks(session)), media_type="application/jwk-set+json",
                    headers={"Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*"})


@wellknown_router.get("/credentials/status/{list_id}")
def status_list(list_id: Annotated[str, Path(max_length=32, pattern=r"^[0-9a-f]+$")], session: SessionDep,
                issuer: IssuerDep, request: Request, limiter: LimiterDep, settings: SettingsDep) -> Response:
    """The Bitstring Status List, as a VC-JWT signed by the issuer's current key."""
    limiter.hit(settings.public_rate_limit, "status", request.client.host if request.client else "unknown")
    return Response(content=issuing.signed_status_list(session, issuer, list_id), media_type="application/vc+jwt",
                    headers={"Cache-Control": "public, max-age=60", "Access-Control-Allow-Origin": "*"})


@wellknown_router.get("/credentials/issuer")
def issuer_profile(issuer: IssuerDep) -> Response:
    return Response(content=_json(vc.issuer_profile(issuer.base_url)), media_type="application/json",
                    headers={"Cache-Control": "public, max-age=3600", "Access-Control-Allow-Origin": "*"})


def _json(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))
