"""Every htmx header the pages read or send, in one place.

The same route serves the full page and, to htmx, only its fragment; responses
that differ by `HX-Request` say so in `Vary` so caches keep them apart.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

# Request headers htmx sends.
HX_REQUEST = "HX-Request"
HX_TARGET = "HX-Target"
HX_TRIGGER_NAME = "HX-Trigger-Name"
HX_BOOSTED = "HX-Boosted"
HX_HISTORY_RESTORE_REQUEST = "HX-History-Restore-Request"
HX_CURRENT_URL = "HX-Current-URL"

# Response headers htmx acts on.
HX_REDIRECT = "HX-Redirect"
HX_LOCATION = "HX-Location"
HX_PUSH_URL = "HX-Push-Url"
HX_REPLACE_URL = "HX-Replace-Url"
HX_REFRESH = "HX-Refresh"
HX_RETARGET = "HX-Retarget"
HX_RESWAP = "HX-Reswap"
HX_TRIGGER = "HX-Trigger"

# htmx stops polling an element when the response status is 286.
STOP_POLLING = 286


def is_htmx(request: Request) -> bool:
    """A fragment request: sent by htmx, and not a history restore (which needs the whole page)."""
    return (
        request.headers.get(HX_REQUEST) == "true"
        and request.headers.get(HX_HISTORY_RESTORE_REQUEST) != "true"
        and request.headers.get(HX_BOOSTED) != "true"
    )


def vary_on_htmx(response: Response) -> Response:
    existing = response.headers.get("Vary")
    values = [v.strip() for v in existing.split(",")] if existing else []
    if HX_REQUEST not in values:
        values.append(HX_REQUEST)
    response.headers["Vary"] = ", ".join(values)
    return response


def push_url(response: Response, url: str) -> Response:
    response.headers[HX_PUSH_URL] = url
    return response


def redirect(request: Request, url: str) -> Response:
    """After a successful form post: 303 for a plain form, `HX-Redirect` for htmx (which ignores 3xx bodies)."""
    if request.headers.get(HX_REQUEST) == "true":
        return Response(status_code=204, headers={HX_REDIRECT: url})
    return Response(status_code=303, headers={"Location": url})
