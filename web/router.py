"""Every page router, mounted at the site root."""

from __future__ import annotations

from fastapi import APIRouter

from web import admin, assessments, assessments_take, auth, bank, home, practice, profile, progress, review, sandbox


def build_page_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)
    pages = (home, auth, bank, practice, progress, profile, sandbox, assessments, assessments_take, review, admin)
    for module in pages:
        router.include_router(module.router)
    return router
