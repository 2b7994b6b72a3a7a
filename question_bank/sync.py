"""Sync the question files into the database, keyed by id, versioned by content hash."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text
from sqlmodel import Session, select

from prodready.db import utcnow
from question_bank.loader import Bank, BankError, LoadedQuestion
from question_bank.models import BankSync, QuestionRecord, QuestionVersion


@dataclass
class SyncReport:
    content_version: str
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: list[BankError] = field(default_factory=list)
    retirement_skipped: bool = False

    def summary(self) -> str:
        text_ = (
            f"{len(self.added)} added, {len(self.changed)} changed, {len(self.retired)} retired, "
            f"{self.unchanged} unchanged, {len(self.errors)} file errors"
        )
        if self.retirement_skipped:
            text_ += " (retirement skipped while files have errors)"
        return text_


def _lock(session: Session) -> None:
    # Several replicas may start at once; on PostgreSQL one syncs at a time.
    # (SQLite writers already hold the database lock.)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(427101)"))


def _apply(session: Session, item: LoadedQuestion, report: SyncReport) -> None:
    question = item.question
    record = session.get(QuestionRecord, question.id)
    content = question.model_dump(mode="json", by_alias=True)
    if record is None:
        record = QuestionRecord(id=question.id, title=question.title, kind=question.kind, level=question.level,
                                stages=list(question.stages), tags=list(question.tags), current_version=1)
        session.add(record)
        session.flush()
        session.add(QuestionVersion(question_id=question.id, version=1, content_hash=item.content_hash,
                                    content=content, source_path=item.path.name))
        report.added.append(question.id)
        return
    current = session.exec(
        select(QuestionVersion).where(QuestionVersion.question_id == question.id,
                                      QuestionVersion.version == record.current_version)
    ).first()
    unretired = record.retired_at is not None
    if current is not None and current.content_hash == item.content_hash:
        if unretired:
            record.retired_at = None
            record.updated_at = utcnow()
            session.add(record)
            report.changed.append(question.id)
        else:
            report.unchanged += 1
        return
    # Content seen before (an edit that was reverted) goes back to that version; new content gets the next number.
    previous = session.exec(
        select(QuestionVersion).where(QuestionVersion.question_id == question.id,
                                      QuestionVersion.content_hash == item.content_hash)
    ).first()
    if previous is not None:
        version = previous.version
    else:
        highest = session.exec(
            select(QuestionVersion.version).where(QuestionVersion.question_id == question.id)
            .order_by(QuestionVersion.version.desc())  # type: ignore[attr-defined]
        ).first()
        version = (highest or 0) + 1
        session.add(QuestionVersion(question_id=question.id, version=version, content_hash=item.content_hash,
                                    content=content, source_path=item.path.name))
    record.title, record.kind, record.level = question.title, question.kind, question.level
    record.stages, record.tags = list(question.stages), list(question.tags)
    record.current_version, record.retired_at, record.updated_at = version, None, utcnow()
    session.add(record)
    report.changed.append(question.id)


def sync_bank(session: Session, bank: Bank) -> SyncReport:
    """Bring the database in line with the loaded bank. Flushes; the caller commits."""
    _lock(session)
    errors = [e for e in bank.errors if e.severity == "error"]
    report = SyncReport(content_version=bank.content_version, errors=errors)
    for qid in sorted(bank.questions):
        _apply(session, bank.questions[qid], report)
    session.flush()
    if errors:
        # A broken file is not a removed file: retire nothing until the bank loads cleanly.
        report.retirement_skipped = True
    else:
        live = session.exec(select(QuestionRecord).where(QuestionRecord.retired_at.is_(None))).all()  # type: ignore[union-attr]
        for record in live:
            if record.id not in bank.questions:
                record.retired_at = utcnow()
                session.add(record)
                report.retired.append(record.id)
    session.add(BankSync(content_version=bank.content_version, added=len(report.added),
                         changed=len(report.changed), retired=len(report.retired), unchanged=report.unchanged,
                         error_count=len(errors)))
    session.flush()
    return report
