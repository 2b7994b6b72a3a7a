"""The versioned JSON API: every resource router under /api/v1."""

from __future__ import annotations

from fastapi import APIRouter

from api import (  # profiles, credentials, career-site API
    admin,
    assessments,
    auth,
    credentials,
    integrations,
    keys,
    orgs,
    profile,
    public,
    questions,
    reviews,
    sandbox,
    scoring,
    sittings,
)

API_PREFIX = "/api/v1"


def build_api_router() -> APIRouter:
    router = APIRouter(prefix=API_PREFIX)
    for module in (auth, orgs, keys, questions, scoring, sandbox, assessments, sittings, reviews, admin):
        router.include_router(module.router)
    for module in (profile, credentials, public, integrations):
        router.include_router(module.router)
    return router
