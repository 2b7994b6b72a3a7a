"""Single-use invitation links that expire.

The link carries a random token; only its hash is stored. Opening it signed
in starts the sitting and binds it to that person; the same person opening it
again resumes, anyone else is refused.

In blind review the list of invitations shows emails only to the organisation's
admins (see `shows_emails`); everyone else reviewing sees the blind label.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlmodel import Session, select

from assessments.building import get_assessment
from assessments.models import Assessment, Invitation, Sitting
from prodready.accounts import tokens
from prodready.accounts.models import Membership, Role, User
from prodready.accounts.scope import OrgScope
from prodready.errors import Conflict, InvalidInput, NotFound

DEFAULT_VALID_DAYS = 7
MAX_VALID_DAYS = 90


NOT_OPENED = "Not opened yet"


def shows_emails(scope: OrgScope, assessment: Assessment) -> bool:
    """Whether this person sees invitees' emails in the list of invitations.

    Blind review hides identities from the raters, and interviewers are the raters: their list shows the
    blind label ("Candidate N", the label of the review queue) instead of an email, or that the link has
    not been opened yet. Admins manage the organisation's invitations (who was asked, who has not started,
    whom to ask again), so they keep seeing emails; the list never puts an email beside a blind label.
    API keys act with interviewer rights, so they see labels too. Without blind review everyone sees emails.
    """
    return not assessment.blind_review or scope.role == Role.ADMIN


@dataclass(frozen=True)
class InvitationStatus:
    invitation: Invitation
    sitting: Sitting | None
    show_email: bool = True

    @property
    def state(self) -> str:
        if self.sitting is not None:
            return "finished" if self.sitting.submitted_at else "started"
        return "invited"

    @property
    def email(self) -> str | None:
        return self.invitation.email if self.show_email else None

    @property
    def blind_label(self) -> str | None:
        """'Candidate N' once the link was opened; only given where the email is hidden."""
        if self.show_email or self.sitting is None:
            return None
        return f"Candidate {self.sitting.number}"

    @property
    def who(self) -> str:
        return self.email or self.blind_label or NOT_OPENED


def create_invitation(scope: OrgScope, assessment_id: str, *, email: str, now: datetime,
                      valid_days: int = DEFAULT_VALID_DAYS) -> tuple[Invitation, str]:
    """A new invitation and its token (shown once, in the link)."""
    assessment = get_assessment(scope, assessment_id)
    if assessment.is_template or assessment.published_at is None:
        raise Conflict("Publish the assessment before inviting candidates.")
    if assessment.due_at is not None and assessment.due_at <= now:
        raise Conflict("The assessment's due date has passed; change it or clone the assessment.")
    if not 1 <= valid_days <= MAX_VALID_DAYS:
        raise InvalidInput(f"An invitation is valid for 1 to {MAX_VALID_DAYS} days.")
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise InvalidInput("Give the candidate's email address.")
    token = tokens.new_token()
    invitation = scope.add(Invitation(
        org_id=scope.org.id, assessment_id=assessment.id, email=email, token_hash=tokens.digest(token),
        expires_at=now + timedelta(days=valid_days), created_by=scope.user.id if scope.user else None,
    ))
    return invitation, token


def invitation_statuses(scope: OrgScope, assessment_id: str) -> list[InvitationStatus]:
    assessment = get_assessment(scope, assessment_id)
    show_email = shows_emails(scope, assessment)
    rows = scope.session.exec(
        scope.select(Invitation).where(Invitation.assessment_id == assessment_id)
        .order_by(Invitation.created_at)  # type: ignore[arg-type]
    ).all()
    sittings = {s.invitation_id: s for s in scope.session.exec(
        scope.select(Sitting).where(Sitting.assessment_id == assessment_id)).all()}
    return [InvitationStatus(row, sittings.get(row.id), show_email) for row in rows]


def find_invitation(session: Session, token: str) -> Invitation:
    invitation = session.exec(select(Invitation).where(Invitation.token_hash == tokens.digest(token))).first()
    if invitation is None:
        raise NotFound("This invitation link is not valid. Check that you copied the whole link.")
    return invitation


def accept_invitation(session: Session, user: User, token: str, *, now: datetime) -> Sitting:
    """Start (or, for the person who already started it, resume) the sitting this link is for."""
    invitation = find_invitation(session, token)
    if invitation.used_at is not None:
        sitting = session.exec(select(Sitting).where(Sitting.invitation_id == invitation.id)).first()
        if invitation.used_by == user.id and sitting is not None:
            return sitting
        raise Conflict("This invitation link has already been used. Each link works once; ask for a new one.")
    if invitation.expires_at <= now:
        raise Conflict(f"This invitation expired on {invitation.expires_at:%Y-%m-%d %H:%M} UTC; ask for a new one.")
    assessment = session.get(Assessment, invitation.assessment_id)
    assert assessment is not None  # the foreign key cascades
    if assessment.due_at is not None and assessment.due_at <= now:
        raise Conflict("The assessment's due date has passed.")
    _ensure_candidate_membership(session, user, invitation.org_id)
    count = session.exec(select(func.count()).select_from(Sitting).where(
        Sitting.assessment_id == assessment.id)).one()
    deadline = now + timedelta(minutes=assessment.time_limit_minutes)
    if assessment.due_at is not None:
        deadline = min(deadline, assessment.due_at)
    # Claim the link atomically: of two people opening it at once, only one gets it.
    claimed = session.execute(update(Invitation).where(
        Invitation.id == invitation.id, Invitation.used_at.is_(None),  # type: ignore[union-attr]
    ).values(used_at=now, used_by=user.id)).rowcount  # type: ignore[attr-defined]
    if not claimed:
        raise Conflict("This invitation link has already been used. Each link works once; ask for a new one.")
    session.refresh(invitation)
    sitting = Sitting(org_id=invitation.org_id, assessment_id=assessment.id, invitation_id=invitation.id,
                      user_id=user.id, number=count + 1, started_at=now, deadline_at=deadline)
    session.add(sitting)
    session.flush()
    return sitting


def _ensure_candidate_membership(session: Session, user: User, org_id: str) -> None:
    # Taking an organisation's assessment makes the person its candidate (existing roles stay).
    exists = session.exec(select(Membership).where(Membership.org_id == org_id,
                                                   Membership.user_id == user.id)).first()
    if exists is None:
        session.add(Membership(user_id=user.id, org_id=org_id, role=Role.CANDIDATE))
        session.flush()
