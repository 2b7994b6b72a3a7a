"""`prodready score`, `score-batch` and `rescore` from the command line."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from practice.cli import _catalog
from practice.models import Attempt
from practice.rescore import rescore_all
from practice.scoring import ScoringService
from practice.service import create_attempt
from prodready.cli import main
from question_bank.catalog import CatalogCache
from tests.factories import make_user

QUESTION = "offline-model-to-production"
ANSWER = ("I would roll it out as a canary to 5% of traffic with automatic rollback, monitor data drift with PSI "
          "and p95 latency in Prometheus, and retrain through an Airflow pipeline when PSI passes 0.2.")


def test_score_prints_a_summary(capsys):
    assert main(["score", "--question", QUESTION, "--answer", ANSWER]) == 0
    out = capsys.readouterr().out
    assert out.startswith("score ") and "band" in out and "follow-up:" in out


def test_score_json_has_evidence_with_offsets(capsys, tmp_path):
    path = tmp_path / "answer.txt"
    path.write_text(ANSWER, encoding="utf-8")
    assert main(["score", "--question", QUESTION, "--answer-file", str(path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["evidence"]["concepts"]
    for match in result["evidence"]["concepts"]:
        assert ANSWER[match["start"]:match["end"]] == match["matched_text"]


@pytest.mark.parametrize(("content", "message"), [
    (b"\xff\xfe\x00binary", "binary"),
    (b"caf\xe9 latin-1", "not UTF-8"),
    (b"   \n ", "empty"),
])
def test_score_refuses_unusable_answer_files(capsys, tmp_path, content, message):
    path = tmp_path / "answer.txt"
    path.write_bytes(content)
    assert main(["score", "--question", QUESTION, "--answer-file", str(path)]) == 1
    assert message in capsys.readouterr().err


def test_score_unknown_question_is_an_error(capsys):
    assert main(["score", "--question", "no-such-question", "--answer", "x"]) == 1
    assert "No question with id 'no-such-question'" in capsys.readouterr().err


def test_score_batch_keeps_input_fields_and_reports_bad_lines(capsys, tmp_path):
    source = tmp_path / "in.jsonl"
    lines = [
        {"id": "a", "question_id": QUESTION, "answer": ANSWER},
        {"id": "b", "question": "What is a stack?", "reference_answer": "A last-in first-out data structure.",
         "answer": "It is LIFO: the last item pushed is popped first."},
        {"id": "c", "question_id": QUESTION, "answer": ""},
    ]
    source.write_text("\n".join(json.dumps(line) for line in lines) + "\nnot json\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["score-batch", str(source), "--out", str(out)]) == 1
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row.get("id") for row in rows[:3]] == ["a", "b", "c"]
    assert {"score", "band", "flags", "evidence"} <= set(rows[0]) and 0 <= rows[0]["score"] <= 100
    assert "score" in rows[1] and "empty" in rows[2]["error"]
    assert rows[3]["line"] == 4 and "error" in rows[3]
    assert "2 scored, 2 failed" in capsys.readouterr().err


def test_score_batch_writes_back_every_input_value_as_it_was_read(tmp_path):
    """Input fields go back out unchanged, whatever JSON they hold; the evidence is the scorer's, in full."""
    extra = ('"note": "café \u2028 \u0085 naïve", "big": 123456789012345678901234567890, "ratio": 0.30000000000000004, '
             '"nan": NaN, "inf": -Infinity, "nested": {"list": [1, 2.5, null, true, "x"]}')
    source = tmp_path / "in.jsonl"
    source.write_text(f'{{"question_id": "{QUESTION}", "answer": {json.dumps(ANSWER)}, {extra}}}\n'
                      f'{{"answer": "no question", {extra}}}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["score-batch", str(source), "--out", str(out)]) == 1
    scored, failed = (json.loads(line) for line in out.read_text(encoding="utf-8").splitlines())
    expected = json.loads(f"{{{extra}}}")
    for row in (scored, failed):
        kept = {key: row[key] for key in expected}
        assert repr(kept) == repr(expected)  # repr: NaN never equals itself
        assert row["note"] == "café \u2028 \x85 naïve"
    catalog = _catalog()
    result = ScoringService().score_entry(catalog, catalog.require(QUESTION), ANSWER)
    assert scored["evidence"] == result.evidence.model_dump(mode="json")
    assert (scored["score"], scored["band"], scored["scorer_version"]) == (result.score, result.band,
                                                                         result.scorer_version)
    assert scored["flags"] == [flag["kind"] for flag in scored["evidence"]["flags"]]
    assert scored["evidence"]["concepts"] and all(
        ANSWER[c["start"]:c["end"]] == c["matched_text"] for c in scored["evidence"]["concepts"])
    assert "error" in failed and "score" not in failed


def test_rescore_reports_band_moves_and_keeps_the_answered_version(db):
    user = make_user(db)
    scoring = ScoringService()
    with db.unit_of_work() as session:
        catalog = CatalogCache().get(session)
        attempt = create_attempt(session, catalog=catalog, scoring=scoring, user=user, question_id=QUESTION,
                                 answer=ANSWER)
        attempt.band = 1 if attempt.band != 1 else 2  # as if an older scorer had said otherwise
        session.add(attempt)
    report = rescore_all(db, dry_run=False)
    assert report.total >= 1 and sum(report.moves.values()) == report.total
    with db.unit_of_work(write=False) as session:
        stored = session.exec(select(Attempt).where(Attempt.id == attempt.id)).one()
        assert stored.rescored_at is not None and stored.question_version_id == attempt.question_version_id
