"""Syncing question files into the database: versions, retirement, broken files."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlmodel import select

from question_bank.catalog import load_catalog
from question_bank.loader import QUESTIONS_DIR, load_bank
from question_bank.models import QuestionRecord, QuestionVersion
from question_bank.sync import sync_bank

SOME = ("offline-model-to-production", "data-drift-vs-concept-drift", "fraud-model-retraining-pipeline")


def _copy(tmp_path: Path, ids=SOME) -> Path:
    folder = tmp_path / "bank"
    folder.mkdir()
    for qid in ids:
        shutil.copy(QUESTIONS_DIR / f"{qid}.yaml", folder / f"{qid}.yaml")
    return folder


def _sync(db, folder):
    with db.unit_of_work() as session:
        return sync_bank(session, load_bank(folder))


def _versions(db, qid):
    with db.unit_of_work(write=False) as session:
        return session.exec(select(QuestionVersion).where(QuestionVersion.question_id == qid)
                            .order_by(QuestionVersion.version)).all()


def test_first_sync_adds_then_a_second_changes_nothing(db, tmp_path):
    folder = _copy(tmp_path)
    # the test database already holds the bundled bank; these ids are unchanged there
    first = _sync(db, folder)
    assert first.unchanged == len(SOME) and not first.added
    again = _sync(db, folder)
    assert again.unchanged == len(SOME) and not again.changed and not again.retired


def test_an_edit_makes_a_new_version_and_keeps_the_old(db, tmp_path):
    folder = _copy(tmp_path)
    path = folder / "offline-model-to-production.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title: ", "title: Edited - ", 1), encoding="utf-8")
    report = _sync(db, folder)
    assert report.changed == ["offline-model-to-production"]
    versions = _versions(db, "offline-model-to-production")
    assert [v.version for v in versions] == [1, 2]
    assert versions[1].content["title"].startswith("Edited - ")
    with db.unit_of_work(write=False) as session:
        catalog = load_catalog(session)
    assert catalog.get("offline-model-to-production").version == 2
    # reverting goes back to version 1's content without inventing a third version
    path.write_text(text, encoding="utf-8")
    assert _sync(db, folder).changed == ["offline-model-to-production"]
    assert [v.version for v in _versions(db, "offline-model-to-production")] == [1, 2]
    with db.unit_of_work(write=False) as session:
        assert load_catalog(session).get("offline-model-to-production").version == 1


def test_a_removed_file_retires_the_question_without_deleting_history(db, tmp_path):
    folder = _copy(tmp_path)
    _sync(db, folder)
    (folder / "data-drift-vs-concept-drift.yaml").unlink()
    report = _sync(db, folder)
    assert "data-drift-vs-concept-drift" in report.retired
    with db.unit_of_work(write=False) as session:
        record = session.get(QuestionRecord, "data-drift-vs-concept-drift")
        assert record.retired_at is not None
        assert "data-drift-vs-concept-drift" not in load_catalog(session).entries
    assert _versions(db, "data-drift-vs-concept-drift")
    # putting the file back brings it back
    shutil.copy(QUESTIONS_DIR / "data-drift-vs-concept-drift.yaml", folder)
    assert "data-drift-vs-concept-drift" in _sync(db, folder).changed


def test_a_broken_file_blocks_nothing_and_retires_nothing(db, tmp_path):
    folder = _copy(tmp_path)
    _sync(db, folder)
    (folder / "fraud-model-retraining-pipeline.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    new = folder / "brand-new.yaml"
    new.write_text((QUESTIONS_DIR / "offline-model-to-production.yaml").read_text(encoding="utf-8")
                   .replace("id: offline-model-to-production", "id: brand-new-question", 1), encoding="utf-8")
    report = _sync(db, folder)
    assert report.added == ["brand-new-question"]
    assert report.errors and report.retirement_skipped and not report.retired
    with db.unit_of_work(write=False) as session:
        assert session.get(QuestionRecord, "fraud-model-retraining-pipeline").retired_at is None
