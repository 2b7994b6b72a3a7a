"""Published profiles for anyone (career sites): no cookies, open CORS, ETag and Cache-Control,
rate-limited per client address."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from fastapi.responses import JSONResponse

from api.credentials import ProfileCacheDep, base_url
from api.deps import LimiterDep, SessionDep, SettingsDep
from api.questions import CatalogDep
from credentials import issuing, publishing
from credentials.models import ProfilePublication
from credentials.public import PublicProfile, etag_of, matches, public_profile

router = APIRouter(prefix="/public", tags=["public profiles"])
PublicId = Annotated[str, Path(min_length=8, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "ETag"}
CACHE = "public, max-age=60"


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def public_limit(request: Request, limiter: LimiterDep, settings: SettingsDep) -> None:
    limiter.hit(settings.public_rate_limit, "public", client_address(request))


RateLimitedDep = Depends(public_limit)


def cached_json(request: Request, body: object) -> Response:
    """200 with an ETag, or 304 when the client already holds this representation."""
    etag = etag_of(body)
    headers = {**CORS, "ETag": etag, "Cache-Control": CACHE, "Vary": "Origin"}
    if matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return JSONResponse(body, headers=headers)


def load_public(public_id: str, request: Request, session, catalog, cache,  # noqa: ANN001
                settings) -> tuple[ProfilePublication, PublicProfile]:
    publication, user = publishing.published_profile_owner(session, public_id)
    profile = cache.get(session, catalog, user.id)
    return publication, public_profile(publication, user, profile, base_url(request, settings))


@router.get("/profiles/{public_id}", response_model=PublicProfile, dependencies=[RateLimitedDep])
def get_public_profile(public_id: PublicId, request: Request, session: SessionDep, catalog: CatalogDep,
                       cache: ProfileCacheDep, settings: SettingsDep) -> Response:
    """What the candidate published: overall level and score, and per-area scores if they chose so."""
    _publication, profile = load_public(public_id, request, session, catalog, cache, settings)
    return cached_json(request, profile.model_dump(mode="json"))


@router.get("/profiles/{public_id}/credentials", dependencies=[RateLimitedDep])
def get_public_credentials(public_id: PublicId, request: Request, session: SessionDep) -> Response:
    """The candidate's unrevoked credentials as VC-JWTs, to verify against /.well-known/jwks.json."""
    _publication, user = publishing.published_profile_owner(session, public_id)
    items = [{"id": r.id, "skill": r.skill, "level": r.level, "valid_until": r.valid_until.isoformat(), "jwt": r.jwt}
             for r in issuing.credentials_of(session, user.id) if r.revoked_at is None]
    return cached_json(request, {"items": items})


@router.options("/profiles/{public_id}", include_in_schema=False)
@router.options("/profiles/{public_id}/credentials", include_in_schema=False)
def preflight(public_id: str) -> Response:
    return Response(status_code=204, headers={**CORS, "Access-Control-Allow-Methods": "GET, OPTIONS",
                                              "Access-Control-Allow-Headers": "If-None-Match",
                                              "Access-Control-Max-Age": "600"})
