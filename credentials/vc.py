"""Open Badges 3.0 credentials (W3C VC data model 2.0) secured as VC-JWTs with RS256.

The JWT payload is the credential itself (VC-JOSE-COSE), with the registered JWT claims
beside it (`iss`, `sub`, `jti`, `iat`, `nbf`, `exp`) so any JWT library checks lifetime; the
header carries `typ: vc+jwt`, `cty: vc` and the signing key's `kid`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey

from credentials.levels import LEVELS

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
JWT_TYPE = "vc+jwt"


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def issuer_profile(base_url: str) -> dict[str, Any]:
    return {"id": f"{base_url}/credentials/issuer", "type": ["Profile"], "name": "prodready", "url": base_url}


def achievement(base_url: str, skill: str, label: str) -> dict[str, Any]:
    skill_id = f"{base_url}/credentials/achievements/{skill}"
    return {
        "id": skill_id, "type": ["Achievement"], "name": label, "achievementType": "Assessment",
        "description": f"{label}: production ML literacy as measured by prodready's rubric-scored answers "
                       "and hands-on deployment task.",
        "criteria": {"narrative": "Scored answers to the production-ML question bank (auto-scored against "
                                  "anchored rubrics, human ratings where present) and hands-on sandbox runs."},
        "resultDescription": [
            {"id": f"{skill_id}#score", "type": ["ResultDescription"], "name": "Score", "resultType": "ScaledScore",
             "valueMin": "0", "valueMax": "100"},
            {"id": f"{skill_id}#level", "type": ["ResultDescription"], "name": "Level",
             "resultType": "RubricCriterionLevel",
             "rubricCriterionLevel": [{"id": f"{skill_id}#level-{level}", "type": ["RubricCriterionLevel"],
                                       "name": level} for level in LEVELS]},
            {"id": f"{skill_id}#confidence", "type": ["ResultDescription"], "name": "Confidence",
             "resultType": "Percent", "valueMin": "0", "valueMax": "100"},
        ],
    }


def build_credential(*, base_url: str, credential_id: str, subject_id: str, skill: str, label: str,
                     score: float, level: str, confidence: float, evidence: list[dict[str, Any]],
                     status_list_url: str, status_index: int, issued_at: datetime,
                     valid_until: datetime) -> dict[str, Any]:
    badge = achievement(base_url, skill, label)
    return {
        "@context": [VC_CONTEXT, OB3_CONTEXT],
        "id": f"urn:uuid:{credential_id[:8]}-{credential_id[8:12]}-{credential_id[12:16]}-"
              f"{credential_id[16:20]}-{credential_id[20:32]}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{label} — {level}",
        "issuer": issuer_profile(base_url),
        "validFrom": iso(issued_at),
        "validUntil": iso(valid_until),
        "credentialSubject": {
            "id": subject_id, "type": ["AchievementSubject"], "achievement": badge,
            "result": [
                {"type": ["Result"], "resultDescription": f"{badge['id']}#score", "value": f"{score:g}"},
                {"type": ["Result"], "resultDescription": f"{badge['id']}#level",
                 "achievedLevel": f"{badge['id']}#level-{level}"},
                {"type": ["Result"], "resultDescription": f"{badge['id']}#confidence",
                 "value": f"{round(confidence * 100):d}"},
            ],
        },
        "evidence": evidence,
        "credentialStatus": {
            "id": f"{status_list_url}#{status_index}", "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation", "statusListIndex": str(status_index),
            "statusListCredential": status_list_url,
        },
    }


def status_list_credential(*, base_url: str, list_url: str, encoded: str, issued_at: datetime,
                           valid_until: datetime) -> dict[str, Any]:
    return {
        "@context": [VC_CONTEXT], "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_profile(base_url)["id"], "validFrom": iso(issued_at), "validUntil": iso(valid_until),
        "credentialSubject": {"id": f"{list_url}#list", "type": "BitstringStatusList",
                              "statusPurpose": "revocation", "encodedList": encoded},
    }


def sign(document: dict[str, Any], key: RSAKey, *, subject: str | None = None,
         expires: datetime | None = None, issued_at: datetime) -> str:
    claims: dict[str, Any] = dict(document)
    claims.update({"iss": document["issuer"] if isinstance(document["issuer"], str) else document["issuer"]["id"],
                   "jti": document["id"], "iat": int(issued_at.timestamp()), "nbf": int(issued_at.timestamp())})
    if subject:
        claims["sub"] = subject
    if expires:
        claims["exp"] = int(expires.timestamp())
    header = {"alg": "RS256", "kid": key.kid, "typ": JWT_TYPE, "cty": "vc"}
    return jwt.encode(header, claims, key, algorithms=["RS256"])


def lifetime(issued_at: datetime, days: int) -> datetime:
    return issued_at + timedelta(days=days)
