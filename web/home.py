"""The start page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from web.deps import VisitorDep
from web.templating import render

router = APIRouter()


@router.get("/")
def home(request: Request, principal: VisitorDep) -> Response:
    return render(request, "home.html", {"title": "Practise production ML"})
