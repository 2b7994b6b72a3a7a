"""The live questions as the service sees them: current versions, not retired.

Built from the database, so every replica agrees, and cached until the next
bank sync (one cheap query per use tells whether a sync happened).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlmodel import Session, func, select

from prodready.errors import NotFound
from question_bank.loader import Bank
from question_bank.models import BankSync, QuestionRecord, QuestionVersion
from question_bank.schema import Question


@dataclass(frozen=True)
class CatalogEntry:
    question: Question
    version: int
    version_id: str
    content_hash: str


@dataclass(frozen=True)
class Catalog:
    sync_id: str | None
    content_version: str | None
    entries: dict[str, CatalogEntry] = field(default_factory=dict)

    def questions(self) -> list[Question]:
        return [self.entries[qid].question for qid in sorted(self.entries)]

    def get(self, question_id: str) -> CatalogEntry | None:
        return self.entries.get(question_id)

    def require(self, question_id: str) -> CatalogEntry:
        entry = self.entries.get(question_id)
        if entry is None:
            raise NotFound(f"No question with id '{question_id}'.")
        return entry


def latest_sync(session: Session) -> BankSync | None:
    return session.exec(select(BankSync).order_by(BankSync.synced_at.desc()).limit(1)).first()  # type: ignore[attr-defined]


def load_catalog(session: Session) -> Catalog:
    sync = latest_sync(session)
    rows = session.exec(
        select(QuestionRecord, QuestionVersion)
        .join(QuestionVersion, (QuestionVersion.question_id == QuestionRecord.id)  # type: ignore[arg-type]
              & (QuestionVersion.version == QuestionRecord.current_version))
        .where(QuestionRecord.retired_at.is_(None))  # type: ignore[union-attr]
    ).all()
    entries = {
        record.id: CatalogEntry(Question.model_validate(version.content), version.version, version.id,
                                version.content_hash)
        for record, version in rows
    }
    return Catalog(sync.id if sync else None, sync.content_version if sync else None, entries)


def catalog_from_bank(bank: Bank) -> Catalog:
    """A catalog straight from the files, for commands that run without a database."""
    entries = {
        qid: CatalogEntry(item.question, 0, "", item.content_hash) for qid, item in bank.questions.items()
    }
    return Catalog(None, bank.content_version, entries)


class CatalogCache:
    """One catalog per process, rebuilt when a newer sync is seen."""

    def __init__(self) -> None:
        self._catalog: Catalog | None = None
        self._lock = threading.Lock()

    def get(self, session: Session) -> Catalog:
        sync = latest_sync(session)
        sync_id = sync.id if sync else None
        catalog = self._catalog
        if catalog is not None and catalog.sync_id == sync_id:
            return catalog
        with self._lock:
            if self._catalog is None or self._catalog.sync_id != sync_id:
                self._catalog = load_catalog(session)
            return self._catalog


def live_question_count(session: Session) -> int:
    return session.exec(
        select(func.count()).select_from(QuestionRecord).where(QuestionRecord.retired_at.is_(None))  # type: ignore[union-attr]
    ).one()
