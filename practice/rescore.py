"""Re-score stored answers after a scorer change, against the question version each answered."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlmodel import select

from practice.models import Attempt
from practice.scoring import ScoringService
from prodready.db import Database, utcnow
from question_bank.catalog import CatalogCache, CatalogEntry
from question_bank.models import QuestionVersion
from question_bank.schema import Question

BATCH = 200


@dataclass
class RescoreReport:
    scorer_version: str
    total: int = 0
    moves: Counter[tuple[int, int]] = field(default_factory=Counter)


def rescore_all(database: Database, *, dry_run: bool = False) -> RescoreReport:
    scoring = ScoringService()
    report = RescoreReport(scorer_version=scoring.version)
    versions: dict[str, CatalogEntry] = {}
    offset = 0
    while True:
        with database.unit_of_work(write=not dry_run) as session:
            catalog = CatalogCache().get(session)
            attempts = session.exec(select(Attempt).order_by(Attempt.created_at, Attempt.id)  # type: ignore[arg-type]
                                    .offset(offset).limit(BATCH)).all()
            if not attempts:
                break
            for attempt in attempts:
                entry = versions.get(attempt.question_version_id)
                if entry is None:
                    row = session.get(QuestionVersion, attempt.question_version_id)
                    if row is None:
                        continue
                    entry = CatalogEntry(Question.model_validate(row.content), row.version, row.id, row.content_hash)
                    versions[row.id] = entry
                result = scoring.score_entry(catalog, entry, attempt.answer)
                report.total += 1
                report.moves[(attempt.band, result.band)] += 1
                if not dry_run:
                    attempt.score, attempt.band, attempt.confidence = result.score, result.band, result.confidence
                    attempt.scorer_version, attempt.result = result.scorer_version, result.model_dump(mode="json")
                    attempt.rescored_at = utcnow()
                    session.add(attempt)
        offset += BATCH
    return report
