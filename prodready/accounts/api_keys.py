"""Organisation API keys: named, hashed, shown once, revocable, with a last-used time."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, select

from prodready.accounts import tokens
from prodready.accounts.models import ApiKey
from prodready.accounts.scope import OrgScope
from prodready.db import utcnow
from prodready.errors import InvalidInput, NotAuthenticated

# Recording every use would turn each read into a write; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def create_api_key(scope: OrgScope, *, name: str) -> tuple[ApiKey, str]:
    name = name.strip()
    if not name or len(name) > 80:
        raise InvalidInput("Name the key (1-80 characters) so you can tell keys apart.")
    secret = tokens.new_api_key()
    key = ApiKey(
        org_id=scope.org.id,
        name=name,
        prefix=secret[:12],
        key_hash=tokens.digest(secret),
        created_by=scope.user.id if scope.user else None,
    )
    scope.add(key)
    return key, secret


def list_api_keys(scope: OrgScope) -> list[ApiKey]:
    return list(scope.session.exec(scope.select(ApiKey).order_by(ApiKey.created_at)).all())


def revoke_api_key(scope: OrgScope, key_id: str) -> ApiKey:
    key = scope.get(ApiKey, key_id)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        scope.session.add(key)
        scope.session.flush()
    return key


def authenticate_api_key(session: Session, secret: str) -> ApiKey:
    if not secret.startswith(tokens.API_KEY_PREFIX):
        raise NotAuthenticated("This is not a prodready API key.")
    key = session.exec(select(ApiKey).where(ApiKey.key_hash == tokens.digest(secret))).first()
    if key is None or key.revoked_at is not None:
        raise NotAuthenticated("The API key is unknown or revoked.")
    now = utcnow()
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        key.last_used_at = now
        session.add(key)
        session.flush()
    return key
