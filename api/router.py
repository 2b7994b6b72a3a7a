"""The versioned JSON API: every resource router under /api/v1."""

from __future__ import annotations

from fastapi import APIRouter

from api import auth, keys, orgs

API_PREFIX = "/api/v1"


def build_api_router() -> APIRouter:
    router = APIRouter(prefix=API_PREFIX)
    for module in (auth, orgs, keys):
        router.include_router(module.router)
    return router
