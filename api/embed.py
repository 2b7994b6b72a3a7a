"""The embeddable widget (an iframe page), its loader script and the oEmbed endpoint.

Standalone responses: no site layout, no cookies. Framing is allowed only for the origins
registered by the organisations the candidate chose when publishing (CSP frame-ancestors).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from markupsafe import escape

from api.credentials import ProfileCacheDep, base_url
from api.deps import SessionDep, SettingsDep
from api.public import CACHE, CORS, PublicId, RateLimitedDep, load_public
from api.questions import CatalogDep
from credentials import origins, widget
from credentials.public import etag_of, matches
from prodready.errors import BadRequest, NotFound, ProdreadyError

router = APIRouter(tags=["widget"])
PROFILE_PATH = re.compile(r"^/(?:embed/profiles|api/v1/public/profiles)/([A-Za-z0-9_-]{8,32})/?$")
HEIGHTS = {"compact": 120, "full": 320}


class NotImplementedFormat(ProdreadyError):
    type_slug, title, status = "format-not-implemented", "Only format=json is implemented", 501


@router.get("/embed/profiles/{public_id}", response_class=Response, dependencies=[RateLimitedDep])
def widget_page(public_id: PublicId, request: Request, session: SessionDep, catalog: CatalogDep,
                cache: ProfileCacheDep, settings: SettingsDep, theme: Literal["light", "dark"] = "light",
                layout: Literal["compact", "full"] = "full") -> Response:
    publication, profile = load_public(public_id, request, session, catalog, cache, settings)
    ancestors = origins.frame_ancestors(origins.origins_for_orgs(session, list(publication.embed_org_ids)))
    html = widget.render(profile, theme=theme, layout=layout).encode()
    etag = etag_of(html + ancestors.encode())
    headers = {"ETag": etag, "Cache-Control": CACHE, "X-Content-Type-Options": "nosniff",
               "Content-Security-Policy": widget.content_security_policy(ancestors), "Referrer-Policy": "strict-origin"}
    if matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(html, media_type="text/html; charset=utf-8", headers=headers)


@router.get("/embed/badge.js", response_class=Response)
def badge_script() -> Response:
    body = widget.LOADER.encode()
    return Response(body, media_type="text/javascript; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=3600", "ETag": etag_of(body), **CORS,
                             "X-Content-Type-Options": "nosniff"})


@router.get("/oembed", dependencies=[RateLimitedDep])
def oembed(request: Request, session: SessionDep, catalog: CatalogDep, cache: ProfileCacheDep, settings: SettingsDep,
           url: Annotated[str, Query(max_length=500)], format: Literal["json", "xml"] = "json",  # noqa: A002
           maxwidth: Annotated[int | None, Query(ge=50, le=4000)] = None,
           maxheight: Annotated[int | None, Query(ge=50, le=4000)] = None) -> Response:
    """oEmbed (type `rich`) for a profile URL, so CMSs embed it from the link alone."""
    if format != "json":
        raise NotImplementedFormat("Ask for format=json.")
    base = base_url(request, settings)
    parts, ours = urlsplit(url), urlsplit(base)
    found = PROFILE_PATH.match(parts.path)
    if (parts.scheme, parts.netloc) != (ours.scheme, ours.netloc) or not found:
        raise NotFound("This URL is not a prodready profile.")
    if not 8 <= len(found.group(1)) <= 32:
        raise BadRequest("Malformed profile id.")
    _publication, profile = load_public(found.group(1), request, session, catalog, cache, settings)
    width = min(maxwidth or 480, 480)
    height = min(maxheight or HEIGHTS["full"], HEIGHTS["full"])
    src = f"{base}/embed/profiles/{profile.public_id}?layout=full"
    title = f"{profile.display_name}: production ML skill profile"
    html = (f'<iframe src="{escape(src)}" title="{escape(title)}" width="{width}" height="{height}" '
            f'style="border:0" loading="lazy"></iframe>')
    body = {"version": "1.0", "type": "rich", "title": title, "provider_name": "prodready", "provider_url": base,
            "html": html, "width": width, "height": height, "cache_age": 60}
    return JSONResponse(body, headers={**CORS, "Cache-Control": CACHE})
