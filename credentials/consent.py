"""A candidate's consent that an organisation reads their results through its API keys.

Granted and withdrawn by the candidate only; an organisation sees assessment results it ran,
and only for candidates whose consent is current.
"""

from __future__ import annotations

from sqlmodel import Session, select

from credentials.models import CandidateConsent
from practice.models import Attempt
from prodready.accounts.models import Membership, Organisation, User
from prodready.accounts.scope import OrgScope
from prodready.db import utcnow
from prodready.errors import NotFound


def _related_org(session: Session, user: User, org_ref: str) -> Organisation:
    """An organisation the candidate belongs to or was assessed by; 404 otherwise."""
    org = session.get(Organisation, org_ref) or session.exec(
        select(Organisation).where(Organisation.slug == org_ref)).first()
    if org is not None:
        member = session.exec(select(Membership.id).where(Membership.org_id == org.id,
                                                          Membership.user_id == user.id)).first()
        assessed = session.exec(select(Attempt.id).where(Attempt.org_id == org.id, Attempt.user_id == user.id)).first()
        if member or assessed:
            return org
    raise NotFound("No such organisation.")


def grant(session: Session, user: User, org_ref: str) -> CandidateConsent:
    org = _related_org(session, user, org_ref)
    consent = session.exec(select(CandidateConsent).where(CandidateConsent.user_id == user.id,
                                                          CandidateConsent.org_id == org.id)).first()
    if consent is None:
        consent = CandidateConsent(user_id=user.id, org_id=org.id)
    consent.granted_at, consent.withdrawn_at = utcnow(), None
    session.add(consent)
    session.flush()
    return consent


def withdraw(session: Session, user: User, org_ref: str) -> CandidateConsent | None:
    org = _related_org(session, user, org_ref)
    consent = session.exec(select(CandidateConsent).where(CandidateConsent.user_id == user.id,
                                                          CandidateConsent.org_id == org.id)).first()
    if consent is not None and consent.withdrawn_at is None:
        consent.withdrawn_at = utcnow()
        session.add(consent)
        session.flush()
    return consent


def consents_of(session: Session, user_id: str) -> list[tuple[CandidateConsent, Organisation]]:
    rows = session.exec(select(CandidateConsent, Organisation).join(
        Organisation, Organisation.id == CandidateConsent.org_id)  # type: ignore[arg-type]
        .where(CandidateConsent.user_id == user_id)).all()
    return [(c, o) for c, o in rows]


def org_results(scope: OrgScope, *, user_id: str | None = None, limit: int = 200, offset: int = 0) -> list[Attempt]:
    """Assessment answers this organisation ran, for consenting candidates only."""
    consenting = select(CandidateConsent.user_id).where(CandidateConsent.org_id == scope.org.id,
                                                        CandidateConsent.withdrawn_at.is_(None))  # type: ignore[union-attr]
    statement = scope.select(Attempt).where(Attempt.source == "assessment",
                                            Attempt.user_id.in_(consenting))  # type: ignore[attr-defined]
    if user_id is not None:
        statement = statement.where(Attempt.user_id == user_id)
    statement = statement.order_by(Attempt.created_at.desc()).offset(offset).limit(limit)  # type: ignore[attr-defined]
    return list(scope.session.exec(statement).all())
