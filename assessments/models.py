"""Assessment tables: what is asked, who is invited, each sitting and its saved answers.

Every table carries `org_id` so `OrgScope` can filter it. Answers are drafts on
the server until the sitting is submitted; then each becomes a scored `Attempt`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from prodready.db import UTCDateTime, new_id, utcnow


class Assessment(SQLModel, table=True):
    """A set of questions (and optionally the sandbox task) with a time limit.

    A template (`is_template`) is never taken; it is cloned into assessments.
    Publishing pins each question's version so every candidate gets the same.
    """

    __tablename__ = "assessments"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    org_id: str = Field(foreign_key="organisations.id", index=True, max_length=32, ondelete="CASCADE")
    title: str = Field(max_length=160)
    role_title: str = Field(default="", max_length=120, description="the role a template is for")
    is_template: bool = False
    time_limit_minutes: int = Field(default=60, ge=1, le=600)
    due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    blind_review: bool = False
    sandbox_task: str | None = Field(default=None, max_length=64)
    created_by: str | None = Field(default=None, foreign_key="users.id", max_length=32, ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    published_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    results_released_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AssessmentItem(SQLModel, table=True):
    __tablename__ = "assessment_items"
    __table_args__ = (UniqueConstraint("assessment_id", "question_id", name="uq_assessment_item_question"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    org_id: str = Field(foreign_key="organisations.id", index=True, max_length=32, ondelete="CASCADE")
    assessment_id: str = Field(foreign_key="assessments.id", index=True, max_length=32, ondelete="CASCADE")
    position: int
    question_id: str = Field(foreign_key="questions.id", max_length=80)
    # Set at publish time: the version every candidate answers and is scored against.
    question_version_id: str | None = Field(default=None, foreign_key="question_versions.id", max_length=32)


class Invitation(SQLModel, table=True):
    """A single-use link. Only the token's hash is stored."""

    __tablename__ = "assessment_invitations"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    org_id: str = Field(foreign_key="organisations.id", index=True, max_length=32, ondelete="CASCADE")
    assessment_id: str = Field(foreign_key="assessments.id", index=True, max_length=32, ondelete="CASCADE")
    email: str = Field(max_length=254, description="who it was sent to, for the interviewer's list")
    token_hash: str = Field(max_length=64, unique=True)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    created_by: str | None = Field(default=None, foreign_key="users.id", max_length=32, ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    used_by: str | None = Field(default=None, foreign_key="users.id", max_length=32, ondelete="SET NULL")


class Sitting(SQLModel, table=True):
    """One candidate taking one assessment. The server's deadline is the only clock that counts."""

    __tablename__ = "assessment_sittings"
    __table_args__ = (UniqueConstraint("invitation_id", name="uq_sitting_invitation"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    org_id: str = Field(foreign_key="organisations.id", index=True, max_length=32, ondelete="CASCADE")
    assessment_id: str = Field(foreign_key="assessments.id", index=True, max_length=32, ondelete="CASCADE")
    invitation_id: str = Field(foreign_key="assessment_invitations.id", max_length=32, ondelete="CASCADE")
    user_id: str = Field(foreign_key="users.id", index=True, max_length=32, ondelete="CASCADE")
    number: int = Field(description="1, 2, 3... within the assessment: the blind label 'Candidate N'")
    started_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    deadline_at: datetime = Field(sa_type=UTCDateTime)
    submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SittingAnswer(SQLModel, table=True):
    """The saved draft of one answer; `attempt_id` points at its scored attempt after submit."""

    __tablename__ = "assessment_answers"
    __table_args__ = (UniqueConstraint("sitting_id", "item_id", name="uq_answer_sitting_item"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    org_id: str = Field(foreign_key="organisations.id", index=True, max_length=32, ondelete="CASCADE")
    sitting_id: str = Field(foreign_key="assessment_sittings.id", index=True, max_length=32, ondelete="CASCADE")
    item_id: str = Field(foreign_key="assessment_items.id", max_length=32, ondelete="CASCADE")
    text: str = Field(default="", sa_column=Column(Text, nullable=False))
    saved_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    attempt_id: str | None = Field(default=None, foreign_key="attempts.id", max_length=32, ondelete="SET NULL")


class CalibrationRating(SQLModel, table=True):
    """A rater's band for one of the bank's calibration answers, to compare with the author's."""

    __tablename__ = "calibration_ratings"
    __table_args__ = (UniqueConstraint("user_id", "org_id", "question_id", "answer_index",
                                       name="uq_calibration_rating"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    org_id: str = Field(foreign_key="organisations.id", index=True, max_length=32, ondelete="CASCADE")
    user_id: str = Field(foreign_key="users.id", index=True, max_length=32, ondelete="CASCADE")
    question_id: str = Field(foreign_key="questions.id", max_length=80)
    answer_index: int
    band: int = Field(ge=1, le=5)
    author_band: int = Field(ge=1, le=5)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
