"""Issue, list and revoke a candidate's credentials; serve status lists signed like credentials."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, select

from credentials import keys, status, vc
from credentials.models import IssuedCredential
from credentials.profile import AREA_LABELS, AreaScore, SkillProfile
from prodready.accounts.models import User
from prodready.db import new_id, utcnow
from prodready.errors import InvalidInput, NotFound

MAX_EVIDENCE_VERSIONS = 60
# A fetched status list is good for a day; verifiers should fetch a fresh one after that.
STATUS_LIST_VALIDITY = timedelta(days=1)


@dataclass(frozen=True)
class Issuer:
    """What issuing needs from the settings and the request."""

    base_url: str
    signing_key: str
    valid_days: int


def status_list_url(base_url: str, list_id: str) -> str:
    return f"{base_url}/credentials/status/{list_id}"


def _evidence(profile: SkillProfile, area: AreaScore) -> list[dict]:
    versions = profile.question_versions[:MAX_EVIDENCE_VERSIONS]
    return [{
        "type": ["Evidence"], "name": f"{area.label}: {area.evidence} scored results",
        "description": (f"Assessed: {area.label}. Scorer versions: {', '.join(profile.scorer_versions) or 'n/a'}. "
                        f"Rubric (question) versions: {', '.join(versions) or 'n/a'}."),
        "narrative": (f"Score {area.score} of 100 from {area.evidence} results; confidence {area.confidence} "
                      f"({area.confidence_label}); level {area.level}."),
        "genre": "Assessment",
    }]


def issue(session: Session, issuer: Issuer, user: User, profile: SkillProfile, subject_id: str,
          skill: str = "overall") -> IssuedCredential:
    area = profile.overall if skill == "overall" else next((a for a in profile.areas if a.area == skill), None)
    if area is None:
        raise NotFound(f"No skill area '{skill}'.")
    if area.score is None:
        raise InvalidInput(f"There are no results in {AREA_LABELS[skill]} yet to put in a credential.")
    key, private = keys.signing_key_for(session, issuer.signing_key)
    list_id, index = status.allocate_slot(session)
    now = utcnow().replace(microsecond=0)
    until = vc.lifetime(now, issuer.valid_days)
    credential_id = new_id()
    document = vc.build_credential(
        base_url=issuer.base_url, credential_id=credential_id, subject_id=subject_id, skill=skill,
        label=AREA_LABELS[skill], score=area.score, level=area.level, confidence=area.confidence,
        evidence=_evidence(profile, area), status_list_url=status_list_url(issuer.base_url, list_id),
        status_index=index, issued_at=now, valid_until=until)
    token = vc.sign(document, private, subject=subject_id, expires=until, issued_at=now)
    record = IssuedCredential(id=credential_id, user_id=user.id, skill=skill, kid=key.kid, status_list_id=list_id,
                              status_index=index, score=area.score, level=area.level, jwt=token, issued_at=now,
                              valid_until=until)
    session.add(record)
    session.flush()
    return record


def credentials_of(session: Session, user_id: str) -> list[IssuedCredential]:
    return list(session.exec(select(IssuedCredential).where(IssuedCredential.user_id == user_id)
                             .order_by(IssuedCredential.issued_at.desc())).all())  # type: ignore[attr-defined]


def own_credential(session: Session, user_id: str, credential_id: str) -> IssuedCredential:
    record = session.get(IssuedCredential, credential_id)
    if record is None or record.user_id != user_id:
        raise NotFound("No such credential.")
    return record


def revoke(session: Session, record: IssuedCredential) -> IssuedCredential:
    if record.revoked_at is None:
        record.revoked_at = utcnow()
        session.add(record)
        session.flush()
    return record


def revoke_for_candidate(session: Session, user_id: str, credential_id: str) -> tuple[IssuedCredential, bool]:
    """Revoke one of the candidate's own credentials (anyone else's is a 404) and tell the organisations they
    consented to; `(record, newly)`, where `newly` is False when it was already revoked (nothing changes)."""
    from credentials import webhooks

    record = own_credential(session, user_id, credential_id)
    newly = record.revoked_at is None
    revoke(session, record)
    if newly:
        webhooks.emit_to_consenting_orgs(session, user_id, "credential.revoked",
                                         {"credential_id": record.id, "skill": record.skill})
    return record, newly


def signed_status_list(session: Session, issuer: Issuer, list_id: str) -> str:
    if not status.list_exists(session, list_id):
        raise NotFound("No such status list.")
    _key, private = keys.signing_key_for(session, issuer.signing_key)
    url = status_list_url(issuer.base_url, list_id)
    now = utcnow().replace(microsecond=0)
    until = now + STATUS_LIST_VALIDITY
    document = vc.status_list_credential(base_url=issuer.base_url, list_url=url, issued_at=now, valid_until=until,
                                         encoded=status.encode_list(status.revoked_indexes(session, list_id)))
    return vc.sign(document, private, issued_at=now, expires=until)


def local_status_source(session: Session, base_url: str):  # noqa: ANN201 - a StatusSource
    """Answer status lookups for our own lists from the database, without an HTTP round trip."""
    prefix = f"{base_url}/credentials/status/"

    def lookup(url: str) -> str:
        list_id = url[len(prefix):] if url.startswith(prefix) else ""
        if not list_id or not status.list_exists(session, list_id):
            raise LookupError("the status list is not one of this issuer's")
        return status.encode_list(status.revoked_indexes(session, list_id))

    return lookup


def issue_for_candidate(session: Session, issuer: Issuer, user: User, profile: SkillProfile,
                        skill: str) -> IssuedCredential:
    """Issue a credential to the candidate, and tell the organisations they consented to."""
    from credentials import publishing, webhooks

    publication = publishing.ensure_publication(session, user.id)
    record = issue(session, issuer, user, profile, f"urn:prodready:candidate:{publication.public_id}", skill)
    webhooks.emit_to_consenting_orgs(session, user.id, "credential.issued", {
        "credential_id": record.id, "skill": record.skill, "level": record.level, "score": record.score,
        "valid_until": record.valid_until.isoformat()})
    return record
