"""What a published profile shows the world: the candidate's name and what they chose to publish."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from credentials.models import ProfilePublication
from credentials.profile import AreaScore, SkillProfile
from prodready.accounts.models import User


class PublicArea(BaseModel):
    area: str
    label: str
    score: float | None
    level: str
    evidence: int
    confidence: float
    confidence_label: str


class PublicProfile(BaseModel):
    public_id: str
    display_name: str
    detail: str
    overall: PublicArea
    areas: list[PublicArea] | None
    latest_result_at: datetime | None
    links: dict[str, str]


def _area(area: AreaScore) -> PublicArea:
    return PublicArea(**area.model_dump())


def public_profile(publication: ProfilePublication, user: User, profile: SkillProfile, base_url: str) -> PublicProfile:
    areas = [_area(a) for a in profile.areas if a.evidence] if publication.detail == "areas" else None
    pid = publication.public_id
    return PublicProfile(
        public_id=pid, display_name=user.display_name, detail=publication.detail, overall=_area(profile.overall),
        areas=areas, latest_result_at=profile.latest_result_at,
        links={"self": f"{base_url}/api/v1/public/profiles/{pid}", "widget": f"{base_url}/embed/profiles/{pid}",
               "credentials": f"{base_url}/api/v1/public/profiles/{pid}/credentials",
               "jwks": f"{base_url}/.well-known/jwks.json"},
    )


def etag_of(body: Any) -> str:
    raw = body if isinstance(body, bytes) else json.dumps(body, sort_keys=True, default=str).encode()
    return '"' + hashlib.sha256(raw).hexdigest()[:32] + '"'


def matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or etag in tags
