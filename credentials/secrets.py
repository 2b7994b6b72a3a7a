"""Encryption at rest for the secrets this package keeps (issuer private keys, webhook secrets).

Fernet (AES-128-CBC + HMAC-SHA256) with a key derived by HKDF-SHA256 from the service's
signing key, so nothing new has to be configured and a database dump alone reveals nothing.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from prodready.errors import ProdreadyError


class SecretUnreadable(ProdreadyError):
    type_slug, title, status = "secret-unreadable", "A stored secret cannot be decrypted", 500


def _fernet(signing_key: str, purpose: str) -> Fernet:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=f"prodready/{purpose}".encode()).derive(signing_key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt(signing_key: str, purpose: str, plaintext: bytes) -> str:
    return _fernet(signing_key, purpose).encrypt(plaintext).decode()


def decrypt(signing_key: str, purpose: str, token: str) -> bytes:
    try:
        return _fernet(signing_key, purpose).decrypt(token.encode())
    except InvalidToken as exc:
        raise SecretUnreadable("Was PRODREADY_SECRET_KEY changed? Stored secrets were encrypted with another.") from exc
