"""Random secrets and their stored digests."""

from __future__ import annotations

import hashlib
import hmac
import secrets

API_KEY_PREFIX = "prk_"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    # Tokens carry 256 bits of entropy, so a fast hash is enough to store them.
    return hashlib.sha256(token.encode()).hexdigest()


def new_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(32)


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
