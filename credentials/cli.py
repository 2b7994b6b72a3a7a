"""`prodready verify FILE` (offline credential verification) and `prodready rotate-key`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import httpx
from joserfc import jws
from joserfc.errors import JoseError

from credentials.verify import encoded_list_from, verify_token

MAX_DOCUMENT_BYTES = 2 * 1_048_576


def _read(source: str) -> str:
    """A local file, or an http(s) URL fetched with a timeout and a size cap."""
    if source.startswith(("https://", "http://")):
        with httpx.Client(timeout=10, follow_redirects=True) as client, client.stream("GET", source) as response:
            response.raise_for_status()
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_DOCUMENT_BYTES:
                    raise ValueError(f"{source} is larger than {MAX_DOCUMENT_BYTES} bytes")
        return body.decode()
    path = Path(source)
    if path.stat().st_size > MAX_DOCUMENT_BYTES:
        raise ValueError(f"{source} is larger than {MAX_DOCUMENT_BYTES} bytes")
    return path.read_text(encoding="utf-8")


def _token_from(text: str) -> str:
    text = text.strip()
    if text.startswith("{"):  # a saved API response: {"jwt": "..."}
        return str(json.loads(text).get("jwt", ""))
    return text


def _issuer_jwks_url(token: str) -> str:
    """Where the (not yet verified) credential says its issuer publishes keys; the key check follows."""
    try:
        claims = json.loads(jws.extract_compact(token.encode()).payload)
        issuer = claims["issuer"]
        url = issuer.get("url") if isinstance(issuer, dict) else issuer
    except (JoseError, ValueError, KeyError, TypeError, AttributeError):
        return ""
    return f"{str(url).rstrip('/')}/.well-known/jwks.json" if str(url).startswith("https://") else ""


def _verify(args: argparse.Namespace) -> int:
    try:
        token = _token_from(_read(args.file))
    except (OSError, ValueError, httpx.HTTPError) as exc:
        print(f"invalid (malformed): cannot read {args.file}: {exc}")
        return 1
    jwks_source = args.jwks or _issuer_jwks_url(token)
    if not jwks_source:
        print("invalid (malformed): the credential names no https issuer URL; pass --jwks")
        return 1
    try:
        jwks = json.loads(_read(jwks_source))
    except (OSError, ValueError, httpx.HTTPError) as exc:
        print(f"invalid (malformed): cannot read the JWKS {jwks_source}: {exc}")
        return 1
    status_source = None
    if args.status:
        try:
            document = _read(args.status)
        except (OSError, ValueError, httpx.HTTPError) as exc:
            print(f"invalid (status-unavailable): cannot read {args.status}: {exc}")
            return 1
        status_source = lambda url: encoded_list_from(document, jwks, url)  # noqa: E731
    verdict = verify_token(token, jwks, status=status_source)
    if not verdict.valid:
        print(f"invalid ({verdict.reason}): {verdict.detail}")
        return 1
    subject = (verdict.credential or {}).get("credentialSubject", {})
    results = {r.get("resultDescription", "").rsplit("#", 1)[-1]: r.get("value") or r.get("achievedLevel", "")
               .rsplit("-", 1)[-1] for r in subject.get("result", [])}
    print(f"valid: {subject.get('achievement', {}).get('name')} — level {results.get('level')}, "
          f"score {results.get('score')}, confidence {results.get('confidence')}% (key {verdict.kid})")
    if not args.status:
        print("status: not checked (pass --status with the status list to check revocation)")
    return 0


def _rotate(_args: argparse.Namespace) -> int:
    from credentials import keys
    from prodready.db import Database
    from prodready.settings import Settings

    settings = Settings()
    database = Database.from_url(settings.resolved_database_url)
    with database.unit_of_work() as session:
        key = keys.rotate(session, settings.signing_key(), credential_days=settings.credential_valid_days)
        kid = key.kid
    database.dispose()
    print(f"new issuer key {kid} signs from now on; older keys verify until their credentials expire")
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    verify = commands.add_parser("verify", help="verify a credential (VC-JWT) offline against the issuer's JWKS")
    verify.add_argument("file", metavar="FILE", help="the credential: a file holding the JWT")
    verify.add_argument("--jwks", metavar="PATH_OR_URL",
                        help="the issuer's JWKS, a file or URL; default: /.well-known/jwks.json at the issuer's URL")
    verify.add_argument("--status", metavar="PATH_OR_URL", help="the status list, a file or URL, to check revocation")
    verify.set_defaults(handler=_verify)
    rotate = commands.add_parser("rotate-key", help="make a new issuer signing key; old keys keep verifying")
    rotate.set_defaults(handler=_rotate)
