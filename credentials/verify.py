"""Verify a credential VC-JWT against a JWKS, offline; the status check is pluggable.

Checks, in order, each failing with its own reason: the JWT parses and claims RS256
(`malformed`), its `kid` is in the JWKS (`unknown-key`), the signature holds
(`bad-signature`), it is within its lifetime (`expired`, `not-yet-valid`), it is an
OpenBadgeCredential (`malformed`), and its status-list bit is clear (`revoked`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from credentials.status import bit_is_set

MAX_TOKEN_CHARS = 64_000
# Looks up a status list by URL; returns its encodedList or raises LookupError when unavailable.
StatusSource = Callable[[str], str]


@dataclass
class Verdict:
    valid: bool
    reason: str
    detail: str
    kid: str | None = None
    credential: dict[str, Any] | None = field(default=None, repr=False)


def _invalid(reason: str, detail: str, kid: str | None = None) -> Verdict:
    return Verdict(False, reason, detail, kid)


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def _verify_signature(token: str, jwks: dict[str, Any]) -> tuple[dict[str, Any] | None, Verdict | None]:
    token = token.strip()
    if not token or len(token) > MAX_TOKEN_CHARS or token.count(".") != 2:
        return None, _invalid("malformed", "This is not a compact JWT.")
    try:
        header = jws.extract_compact(token.encode()).headers()
    except (JoseError, ValueError) as exc:
        return None, _invalid("malformed", f"The JWT header cannot be read: {exc}.")
    kid = header.get("kid")
    if header.get("alg") != "RS256":
        return None, _invalid("malformed", "Credentials are signed with RS256; this token claims another algorithm.")
    try:
        keys = KeySet.import_key_set({"keys": [k for k in jwks.get("keys", []) if k.get("kty") == "RSA"]})
    except (JoseError, ValueError, TypeError) as exc:
        return None, _invalid("malformed", f"The JWKS cannot be read: {exc}.")
    if not _has_kid(keys, kid):
        return None, _invalid("unknown-key", f"No key with kid {kid!r} in the issuer's JWKS (unknown or expired).",
                              kid if isinstance(kid, str) else None)
    try:
        claims = jwt.decode(token, keys, algorithms=["RS256"]).claims
    except JoseError as exc:
        if "signature" in str(exc).lower():
            return None, _invalid("bad-signature", "The signature does not match the content.", kid)
        return None, _invalid("malformed", f"The JWT cannot be decoded: {exc}.", kid)
    return claims, Verdict(True, "valid", "", kid)


def _has_kid(keys: KeySet, kid: Any) -> bool:
    return isinstance(kid, str) and any(k.kid == kid for k in keys.keys)


def verify_token(token: str, jwks: dict[str, Any], *, now: datetime | None = None,
                 status: StatusSource | None = None) -> Verdict:
    claims, verdict = _verify_signature(token, jwks)
    if claims is None:
        return verdict  # type: ignore[return-value]
    kid = verdict.kid if verdict else None
    now = now or datetime.now(UTC)
    try:
        until = _parse_time(claims.get("validUntil"))
        start = _parse_time(claims.get("validFrom"))
    except ValueError:
        return _invalid("malformed", "validFrom/validUntil are not dates.", kid)
    exp = claims.get("exp")
    if (until and now > until) or (isinstance(exp, int | float) and now.timestamp() > exp):
        return _invalid("expired", f"The credential expired at {claims.get('validUntil') or exp}.", kid)
    if start and now < start:
        return _invalid("not-yet-valid", f"The credential is valid from {claims['validFrom']}.", kid)
    types = claims.get("type") or []
    subject = claims.get("credentialSubject")
    if "OpenBadgeCredential" not in types or not isinstance(subject, dict):
        return _invalid("malformed", "This is not an Open Badges credential.", kid)
    entry = claims.get("credentialStatus")
    if status is not None and isinstance(entry, dict):
        try:
            encoded = status(str(entry.get("statusListCredential", "")))
            revoked = bit_is_set(encoded, int(entry.get("statusListIndex", -1)))
        except LookupError as exc:
            return _invalid("status-unavailable", f"The status list could not be read: {exc}.", kid)
        except ValueError as exc:
            return _invalid("malformed", f"The status entry or list is invalid: {exc}.", kid)
        if revoked:
            return _invalid("revoked", "The issuer has revoked this credential.", kid)
    return Verdict(True, "valid", "The signature, lifetime and status check out.", kid, claims)


def encoded_list_from(document: str, jwks: dict[str, Any], list_url: str) -> str:
    """The encodedList of a status list given as a VC-JWT (verified) or as JSON."""
    text = document.strip()
    if text.startswith("{"):
        credential = json.loads(text)
    else:
        claims, verdict = _verify_signature(text, jwks)
        if claims is None:
            raise LookupError(f"the status list is not trustworthy ({verdict.reason if verdict else 'invalid'})")
        credential = claims
    if list_url and credential.get("id") != list_url:
        raise LookupError(f"this status list is {credential.get('id')!r}, the credential points at {list_url!r}")
    subject = credential.get("credentialSubject") or {}
    if subject.get("statusPurpose") != "revocation" or not isinstance(subject.get("encodedList"), str):
        raise LookupError("the document is not a revocation status list")
    return subject["encodedList"]
