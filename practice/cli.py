"""`prodready score`, `prodready score-batch` and `prodready rescore`."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pydantic_core import to_json

from practice.answers import clean_answer, decode_answer_bytes
from prodready.errors import ProdreadyError
from prodready.settings import Settings
from question_bank.catalog import Catalog, catalog_from_bank
from question_bank.loader import load_bank

if TYPE_CHECKING:  # the scorer pulls in scikit-learn: imported when a command scores, not at start
    from practice.scoring import ScoringService


def register(subparsers: argparse._SubParsersAction) -> None:
    score = subparsers.add_parser("score", help="score one answer to a bank question")
    score.add_argument("--question", required=True, metavar="ID", help="question id")
    given = score.add_mutually_exclusive_group(required=True)
    given.add_argument("--answer", metavar="TEXT", help="the answer text")
    given.add_argument("--answer-file", type=Path, metavar="F", help="a UTF-8 text file with the answer")
    score.add_argument("--json", action="store_true", help="print the full result as JSON")
    score.set_defaults(handler=score_command)

    batch = subparsers.add_parser("score-batch", help="score many answers from a JSON-lines file")
    batch.add_argument("input", type=Path, metavar="IN.jsonl")
    batch.add_argument("--out", type=Path, metavar="OUT.jsonl", help="write here instead of standard output")
    batch.set_defaults(handler=score_batch_command)

    rescore = subparsers.add_parser("rescore", help="re-score stored answers with the current scorer")
    rescore.add_argument("--dry-run", action="store_true", help="report what would move, change nothing")
    rescore.set_defaults(handler=rescore_command)


def _catalog() -> Catalog:
    bank = load_bank(Settings().bank_dir)
    return catalog_from_bank(bank)


def _summary(result: dict[str, Any]) -> str:
    lines = [f"score {result['score']:.1f}/100  band {result['band']}  "
             f"(confidence {result['confidence']:.2f}: {result['confidence_reason']})"]
    for criterion in result["criteria"]:
        missed = ", ".join(criterion["required_missed"]) or "nothing required"
        lines.append(f"  {criterion['name']}: {criterion['score']:.0%} (missed: {missed})")
    feedback = result["feedback"]
    for label, key in (("missing sections", "missing_sections"), ("out of order", "out_of_order"),
                       ("pitfalls", "pitfalls"), ("integrity flags", "flags")):
        if feedback.get(key):
            lines.append(f"  {label}: {'; '.join(feedback[key])}")
    if feedback.get("follow_up"):
        lines.append(f"  follow-up: {feedback['follow_up']}")
    return "\n".join(lines)


def score_command(args: argparse.Namespace) -> int:
    catalog = _catalog()
    entry = catalog.require(args.question)
    if args.answer_file is not None:
        try:
            answer = decode_answer_bytes(args.answer_file.read_bytes())
        except OSError as exc:
            raise ProdreadyError(f"cannot read {args.answer_file}: {exc.strerror or exc}") from exc
    else:
        answer = clean_answer(args.answer)
    from practice.scoring import ScoringService

    result = ScoringService().score_entry(catalog, entry, answer).model_dump(mode="json")
    print(json.dumps(result, indent=2) if args.json else _summary(result))
    return 0


def _score_line(record: dict[str, Any], catalog: Catalog, scoring: ScoringService) -> dict[str, Any]:
    answer = clean_answer(str(record.get("answer") or ""))
    if record.get("question_id"):
        result = scoring.score_entry(catalog, catalog.require(str(record["question_id"])), answer)
    elif record.get("question") and record.get("reference_answer"):
        result = scoring.score_reference(catalog, str(record["question"]), str(record["reference_answer"]), answer)
    else:
        raise ProdreadyError("each line needs question_id and answer, or question, reference_answer and answer")
    # The evidence stays a model: `_json_line` serialises it in pydantic's encoder.
    flags = [flag.kind for flag in result.evidence.flags]
    return {**record, "score": result.score, "band": result.band, "flags": flags, "evidence": result.evidence,
            "scorer_version": result.scorer_version}


# Characters JSON allows raw inside strings but `str.splitlines` (and some JSON Lines readers) break
# lines at; written as escapes, which read back as the same strings.
_LINE_BREAKING = re.compile("[\x85\u2028\u2029]")


def _json_line(output: dict[str, Any]) -> str:
    """One JSON line. pydantic's encoder writes a hundred pieces of evidence several times faster than
    `json.dumps` of their dicts; `constants` keeps what `json.loads` accepted (NaN, Infinity) as it was."""
    text = to_json(output, inf_nan_mode="constants").decode()
    if _LINE_BREAKING.search(text):
        text = _LINE_BREAKING.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
    return text + "\n"


def score_batch(lines: TextIO, out: TextIO, catalog: Catalog) -> tuple[int, int]:
    """Score each line; a bad line gets an `error` field and the rest go on. Returns (scored, failed)."""
    from practice.scoring import ScoringService

    scoring, scored, failed = ScoringService(), 0, 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        record: Any = None
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ProdreadyError("a line must be a JSON object")
            output = _score_line(record, catalog, scoring)
            scored += 1
        except (json.JSONDecodeError, ProdreadyError, ValueError) as exc:
            kept = record if isinstance(record, dict) else {}
            output = {**kept, "line": number, "error": getattr(exc, "detail", None) or str(exc)}
            failed += 1
        out.write(_json_line(output))
    return scored, failed


def score_batch_command(args: argparse.Namespace) -> int:
    catalog = _catalog()
    try:
        source = args.input.open(encoding="utf-8")
    except OSError as exc:
        raise ProdreadyError(f"cannot read {args.input}: {exc.strerror or exc}") from exc
    with source, (args.out.open("w", encoding="utf-8") if args.out else sys.stdout) as out:  # type: ignore[attr-defined]
        scored, failed = score_batch(source, out, catalog)
    print(f"{scored} scored, {failed} failed", file=sys.stderr)
    return 1 if failed else 0


def rescore_command(args: argparse.Namespace) -> int:
    from practice.rescore import rescore_all
    from prodready.db import Database

    settings = Settings()
    database = Database.from_url(settings.resolved_database_url)
    report = rescore_all(database, dry_run=args.dry_run)
    moves = Counter({k: v for k, v in report.moves.items() if k[0] != k[1]})
    print(f"{report.total} answers re-scored with scorer {report.scorer_version}; "
          f"{sum(moves.values())} changed band{' (dry run: nothing saved)' if args.dry_run else ''}")
    for (before, after), count in sorted(moves.items()):
        print(f"  band {before} -> {after}: {count}")
    return 0
