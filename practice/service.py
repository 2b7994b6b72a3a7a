"""Practice attempts: score, store with the question version and scorer version, read back."""

from __future__ import annotations

from sqlmodel import Session, select

from practice.answers import clean_answer
from practice.models import Attempt
from practice.scoring import ScoringService
from prodready.accounts.models import User
from prodready.errors import NotFound
from question_bank.catalog import Catalog

NEAR_DUPLICATE_POOL = 200  # other people's latest answers checked for near-duplicates


def other_answers(session: Session, question_id: str, user_id: str) -> tuple[str, ...]:
    rows = session.exec(
        select(Attempt.answer).where(Attempt.question_id == question_id, Attempt.user_id != user_id)
        .order_by(Attempt.created_at.desc()).limit(NEAR_DUPLICATE_POOL)  # type: ignore[attr-defined]
    ).all()
    return tuple(rows)


def create_attempt(session: Session, *, catalog: Catalog, scoring: ScoringService, user: User,
                   question_id: str, answer: str, duration_seconds: int | None = None,
                   org_id: str | None = None, source: str = "practice") -> Attempt:
    entry = catalog.require(question_id)
    answer = clean_answer(answer)
    result = scoring.score_entry(catalog, entry, answer, other_answers(session, question_id, user.id))
    attempt = Attempt(
        user_id=user.id, org_id=org_id, source=source, question_id=question_id,
        question_version_id=entry.version_id, answer=answer, duration_seconds=duration_seconds,
        score=result.score, band=result.band, confidence=result.confidence,
        scorer_version=result.scorer_version, result=result.model_dump(mode="json"),
    )
    # Candidate identity is never sent: the rater sees the question, the rubric and the answer only.
    second = scoring.second_opinion(entry, answer, result)
    if second is not None:
        attempt.second_rating = second.model_dump(mode="json")
        attempt.needs_review = second.needs_human_review
    session.add(attempt)
    session.flush()
    return attempt


def own_attempt(session: Session, user: User, attempt_id: str) -> Attempt:
    attempt = session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != user.id:
        raise NotFound("No such attempt.")
    return attempt


def attempts_of(session: Session, user_id: str, *, question_id: str | None = None, limit: int = 100,
                offset: int = 0) -> list[Attempt]:
    statement = select(Attempt).where(Attempt.user_id == user_id, Attempt.source == "practice")
    if question_id:
        statement = statement.where(Attempt.question_id == question_id)
    statement = statement.order_by(Attempt.created_at.desc()).offset(offset).limit(limit)  # type: ignore[attr-defined]
    return list(session.exec(statement).all())


def has_practised(session: Session, user_id: str, question_id: str) -> bool:
    return session.exec(
        select(Attempt.id).where(Attempt.user_id == user_id, Attempt.question_id == question_id,
                                 Attempt.source == "practice").limit(1)
    ).first() is not None
