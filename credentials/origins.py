"""Origins an organisation lets frame the widget, and the CSP `frame-ancestors` built from them.

An origin is `scheme://host[:port]` exactly: https (http only for localhost), no path, query,
user info or wildcard, so nothing else can be smuggled into the CSP header.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlmodel import Session, select

from credentials.models import OrgEmbedOrigin
from prodready.accounts.scope import OrgScope
from prodready.errors import Conflict, InvalidInput

MAX_ORIGINS_PER_ORG = 50
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1"})


def normalise_origin(raw: str) -> str:
    text = raw.strip()
    if len(text) > 300 or any(c.isspace() or c in ";,'\"*" for c in text):
        raise InvalidInput("An origin is scheme://host[:port], without spaces, quotes, commas or wildcards.")
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError as exc:
        raise InvalidInput("The port is not a number from 1 to 65535.") from exc
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("https", "http") or not host or not _HOST.match(host):
        raise InvalidInput("An origin is https://host[:port] with a valid host name.")
    if parts.scheme == "http" and host not in LOCAL_HOSTS:
        raise InvalidInput("Only https origins can embed the widget (http only for localhost).")
    if parts.username or parts.password or parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InvalidInput("An origin has no user, path, query or fragment: just scheme://host[:port].")
    default = {"https": 443, "http": 80}[parts.scheme]
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def add_origin(scope: OrgScope, raw: str) -> OrgEmbedOrigin:
    origin = normalise_origin(raw)
    existing = scope.session.exec(scope.select(OrgEmbedOrigin)).all()
    if any(o.origin == origin for o in existing):
        raise Conflict("This origin is already registered.")
    if len(existing) >= MAX_ORIGINS_PER_ORG:
        raise InvalidInput(f"An organisation can register at most {MAX_ORIGINS_PER_ORG} origins.")
    return scope.add(OrgEmbedOrigin(org_id=scope.org.id, origin=origin))


def list_origins(scope: OrgScope) -> list[OrgEmbedOrigin]:
    return list(scope.session.exec(scope.select(OrgEmbedOrigin).order_by(OrgEmbedOrigin.origin)).all())


def remove_origin(scope: OrgScope, origin_id: str) -> None:
    origin = scope.get(OrgEmbedOrigin, origin_id)
    scope.session.delete(origin)
    scope.session.flush()


def origins_for_orgs(session: Session, org_ids: list[str]) -> list[str]:
    if not org_ids:
        return []
    rows = session.exec(select(OrgEmbedOrigin.origin).where(OrgEmbedOrigin.org_id.in_(org_ids))).all()  # type: ignore[attr-defined]
    return sorted(set(rows))


def frame_ancestors(origins: list[str]) -> str:
    return "frame-ancestors " + (" ".join(origins) if origins else "'none'")
