"""Issued credentials verify with an independent library (PyJWT), and are refused with a reason
when tampered with, revoked, signed by an unknown key or expired."""

from __future__ import annotations

import base64
import gzip
import json
from datetime import timedelta

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from credentials import keys as issuer_keys
from prodready.db import utcnow
from tests.conftest import TEST_SECRET
from tests.credentials.conftest import issue, person
from tests.helpers import assert_problem


def independent_decode(client, token: str) -> dict:
    """Verify with PyJWT and the published JWKS: nothing of the code that signed it."""
    jwks = client.get("/.well-known/jwks.json").json()
    kid = pyjwt.get_unverified_header(token)["kid"]
    key = pyjwt.PyJWKSet.from_dict(jwks)[kid]
    return pyjwt.decode(token, key.key, algorithms=["RS256"], options={"require": ["exp", "iss", "nbf"]})


def verify(client, token: str) -> dict:
    response = client.post("/api/v1/credentials/verify", json={"credential": token})
    assert response.status_code == 200, response.text
    return response.json()


def rogue_token(claims: dict, kid: str) -> str:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return pyjwt.encode(claims, pem, algorithm="RS256", headers={"kid": kid, "typ": "vc+jwt"})


class TestIssuing:
    def test_credential_is_an_open_badge_that_pyjwt_verifies(self, client, candidate):
        record = issue(client, candidate)
        header = pyjwt.get_unverified_header(record["jwt"])
        assert header["alg"] == "RS256" and header["typ"] == "vc+jwt" and header["kid"] == record["kid"]
        claims = independent_decode(client, record["jwt"])
        assert claims["@context"][0] == "https://www.w3.org/ns/credentials/v2"
        assert "ob/v3p0" in claims["@context"][1]
        assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        assert claims["issuer"]["type"] == ["Profile"] and claims["iss"] == claims["issuer"]["id"]
        subject = claims["credentialSubject"]
        assert subject["type"] == ["AchievementSubject"]
        assert subject["achievement"]["type"] == ["Achievement"]
        results = {r["resultDescription"].rsplit("#", 1)[1]: r for r in subject["result"]}
        assert float(results["score"]["value"]) == record["score"] == 78.0
        assert results["level"]["achievedLevel"].endswith(f"level-{record['level']}")
        assert 0 <= int(results["confidence"]["value"]) <= 100
        evidence = claims["evidence"][0]
        assert "2026.11.1" in evidence["description"] and "@v" in evidence["description"]
        assert claims["validFrom"] < claims["validUntil"]
        status = claims["credentialStatus"]
        assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
        assert verify(client, record["jwt"]) == {"valid": True, "reason": "valid", "detail": pytest.approx(
            "The signature, lifetime and status check out."), "kid": record["kid"]}

    def test_jwks_publishes_public_keys_only(self, client, candidate):
        issue(client, candidate)
        response = client.get("/.well-known/jwks.json")
        assert response.headers["access-control-allow-origin"] == "*"
        for key in response.json()["keys"]:
            assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig"
            assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)
            assert len(base64.urlsafe_b64decode(key["n"] + "==")) * 8 >= 2048

    def test_private_keys_are_encrypted_at_rest(self, db, client, candidate):
        issue(client, candidate)
        with db.unit_of_work(write=False) as session:
            key = issuer_keys.active_key(session)
        assert "PRIVATE KEY" not in key.private_key_encrypted

    def test_nothing_to_certify_is_a_422(self, client, db):
        newcomer = person(client, db)
        assert_problem(client.post("/api/v1/credentials", headers=newcomer.headers, json={}), 422, "validation-error")

    def test_issuing_needs_a_signed_in_candidate(self, client):
        assert_problem(client.post("/api/v1/credentials", json={}), 401, "not-authenticated")


class TestRefusals:
    def test_tampered_credential_is_a_bad_signature(self, client, candidate):
        token = issue(client, candidate)["jwt"]
        header, payload, signature = token.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
        claims["credentialSubject"]["result"][0]["value"] = "100"
        forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
        tampered = f"{header}.{forged}.{signature}"
        with pytest.raises(pyjwt.InvalidSignatureError):
            independent_decode(client, tampered)
        assert verify(client, tampered)["reason"] == "bad-signature"

    def test_revoked_credential_is_refused_and_its_bit_is_set(self, client, candidate):
        record = issue(client, candidate)
        other = issue(client, candidate, "overall")
        revoked = client.post(f"/api/v1/credentials/{record['id']}/revoke", headers=candidate.headers)
        assert revoked.status_code == 200 and revoked.json()["revoked_at"]
        assert verify(client, record["jwt"])["reason"] == "revoked"
        assert verify(client, other["jwt"])["valid"] is True
        # The status list, read independently: a VC-JWT holding a GZIP bitstring.
        entry = independent_decode(client, record["jwt"])["credentialStatus"]
        path = entry["statusListCredential"].split("://", 1)[1].split("/", 1)[1]
        response = client.get("/" + path)
        assert response.headers["content-type"].startswith("application/vc+jwt")
        status_list = independent_decode(client, response.text)
        assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
        encoded = status_list["credentialSubject"]["encodedList"]
        bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=="))
        assert len(bits) * 8 >= 131_072

        def bit(index: int) -> bool:
            return bool(bits[index // 8] & (0x80 >> (index % 8)))

        assert bit(int(entry["statusListIndex"]))
        other_entry = independent_decode(client, other["jwt"])["credentialStatus"]
        assert not bit(int(other_entry["statusListIndex"]))

    def test_only_the_owner_revokes(self, client, db, candidate):
        record = issue(client, candidate)
        stranger = person(client, db)
        assert_problem(client.post(f"/api/v1/credentials/{record['id']}/revoke", headers=stranger.headers), 404,
                       "not-found")
        assert verify(client, record["jwt"])["valid"] is True

    def test_unknown_key_is_refused(self, client, candidate):
        claims = independent_decode(client, issue(client, candidate)["jwt"])
        assert verify(client, rogue_token(claims, "rogue-key"))["reason"] == "unknown-key"

    def test_a_foreign_key_reusing_our_kid_is_a_bad_signature(self, client, candidate):
        record = issue(client, candidate)
        claims = independent_decode(client, record["jwt"])
        assert verify(client, rogue_token(claims, record["kid"]))["reason"] == "bad-signature"

    def test_expired_credential_is_refused(self, client, db, candidate):
        from credentials import vc

        claims = independent_decode(client, issue(client, candidate)["jwt"])
        past = utcnow().replace(microsecond=0) - timedelta(days=400)
        claims.update(validFrom=vc.iso(past), validUntil=vc.iso(past + timedelta(days=365)))
        for name in ("iat", "nbf", "exp", "iss", "jti", "sub"):
            claims.pop(name)
        with db.unit_of_work() as session:
            _key, private = issuer_keys.signing_key_for(session, TEST_SECRET)
        token = vc.sign(claims, private, expires=past + timedelta(days=365), issued_at=past)
        with pytest.raises(pyjwt.ExpiredSignatureError):
            independent_decode(client, token)
        assert verify(client, token)["reason"] == "expired"

    @pytest.mark.parametrize("token", ["", "abc", "a.b.c", "x" * 70_000, "eyJhbGciOiJub25lIn0.e30."])
    def test_garbage_is_malformed_or_refused(self, client, token):
        response = client.post("/api/v1/credentials/verify", json={"credential": token})
        if len(token) > 64_000:
            assert_problem(response, 422, "validation-error")
        else:
            assert response.json()["valid"] is False and response.json()["reason"] == "malformed"

    def test_alg_none_is_refused(self, client, candidate):
        claims = independent_decode(client, issue(client, candidate)["jwt"])
        unsigned = pyjwt.encode(claims, None, algorithm="none", headers={"kid": "x"})
        assert verify(client, unsigned)["reason"] == "malformed"
