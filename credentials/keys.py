"""Issuer signing keys: generate, rotate, publish as a JWKS, load the one that signs.

The newest key that is not retired signs. Rotating retires the current key and keeps it in
the JWKS until every credential it signed has expired (`expires_at` = retirement + the
credential lifetime), so old credentials keep verifying and then stop.
"""

from __future__ import annotations

import functools
import secrets as _random
from datetime import datetime, timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc.jwk import RSAKey
from sqlmodel import Session, or_, select

from credentials import secrets
from credentials.models import IssuerKey
from prodready.db import utcnow

KEY_BITS = 3072
PURPOSE = "issuer-keys"


def _new_kid(now: datetime) -> str:
    return f"{now:%Y%m%d}-{_random.token_hex(4)}"


def create_key(session: Session, signing_key: str, *, now: datetime | None = None) -> IssuerKey:
    now = now or utcnow()
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    kid = _new_kid(now)
    public = RSAKey.import_key(pem).as_dict(private=False)
    public.update({"kid": kid, "use": "sig", "alg": "RS256"})
    key = IssuerKey(kid=kid, public_jwk=public, private_key_encrypted=secrets.encrypt(signing_key, PURPOSE, pem),
                    created_at=now)
    session.add(key)
    session.flush()
    return key


def active_key(session: Session) -> IssuerKey | None:
    return session.exec(select(IssuerKey).where(IssuerKey.retired_at.is_(None))  # type: ignore[union-attr]
                        .order_by(IssuerKey.created_at.desc())).first()  # type: ignore[attr-defined]


def signing_key_for(session: Session, signing_key: str) -> tuple[IssuerKey, RSAKey]:
    """The key that signs now, created on first use."""
    key = active_key(session) or create_key(session, signing_key)
    return key, _load_private(signing_key, key.kid, key.private_key_encrypted)


@functools.lru_cache(maxsize=8)
def _load_private(signing_key: str, kid: str, encrypted: str) -> RSAKey:
    # Loading an RSA private key validates it (costly for 3072 bits): do it once per key and process.
    pem = secrets.decrypt(signing_key, PURPOSE, encrypted)
    return RSAKey.import_key(pem, parameters={"kid": kid, "alg": "RS256", "use": "sig"})


def rotate(session: Session, signing_key: str, *, credential_days: int, now: datetime | None = None) -> IssuerKey:
    """A new key signs from now on; the old ones verify until their credentials expire."""
    now = now or utcnow()
    for old in session.exec(select(IssuerKey).where(IssuerKey.retired_at.is_(None))).all():  # type: ignore[union-attr]
        old.retired_at = now
        old.expires_at = now + timedelta(days=credential_days)
        session.add(old)
    session.flush()
    return create_key(session, signing_key, now=now)


def published_keys(session: Session, *, now: datetime | None = None) -> list[IssuerKey]:
    now = now or utcnow()
    return list(session.exec(
        select(IssuerKey).where(or_(IssuerKey.expires_at.is_(None), IssuerKey.expires_at > now))  # type: ignore[union-attr,operator]
        .order_by(IssuerKey.created_at.desc())  # type: ignore[attr-defined]
    ).all())


def jwks(session: Session, *, now: datetime | None = None) -> dict[str, list[dict]]:
    """Public keys only: the JWK of each key still verifying."""
    return {"keys": [dict(key.public_jwk) for key in published_keys(session, now=now)]}
