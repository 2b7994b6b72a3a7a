"""The quick check of a candidate's service URL when a run is created.

It gives an immediate answer for literal addresses; host names are resolved and
every address is checked again when the run dials (DNS may change until then).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from prodready.errors import InvalidInput
from prodready.settings import Settings
from sandbox.safe_http import refusal_reason


def check_target_url(url: str, settings: Settings) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput("Give the http:// or https:// URL of your deployed service.")
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return url
    allow_loopback = settings.sandbox_allow_loopback and not settings.is_production
    if (reason := refusal_reason(literal, allow_loopback=allow_loopback)) is not None:
        raise InvalidInput(f"{parts.hostname} is {reason}; only public addresses are probed.")
    return url
