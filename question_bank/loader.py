"""Loading the question bank: every file validated, every error collected with its line.

One bad file never stops the others: `load_bank` returns the questions that
are valid beside the errors of those that are not.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from question_bank.schema import Question
from question_bank.source import Document, SourceError, decode, describe, parse

QUESTIONS_DIR = Path(__file__).resolve().parent / "questions"
SUFFIXES = (".yaml", ".yml", ".md")
Severity = Literal["error", "warning"]

# Model-level checks in rubrics.schema carry the location of the whole model;
# these point them at the field they are about.
_MODEL_ERROR_FIELDS = {
    "criterion weights": "criteria",
    "criterion ids repeat": "criteria",
    "a rubric needs at least one required concept": "criteria",
    "pitfall ids repeat": "pitfalls",
    "structure sections repeat": "sections",
    "a STAR structure has": "sections",
    "framework sections must be": "sections",
}


@dataclass(frozen=True, order=True)
class BankError:
    path: Path
    line: int
    message: str
    severity: Severity = "error"

    def format(self) -> str:
        marker = "warning: " if self.severity == "warning" else ""
        return f"{display_path(self.path)}:{self.line}: {marker}{self.message}"


@dataclass(frozen=True)
class LoadedQuestion:
    question: Question
    path: Path
    content_hash: str
    document: Document = field(repr=False, compare=False)

    def line_of(self, *loc: int | str) -> int:
        return self.document.line_of(loc)


@dataclass
class Bank:
    questions: dict[str, LoadedQuestion]
    errors: list[BankError]

    @property
    def content_version(self) -> str:
        """Changes whenever any question is added, removed or edited."""
        lines = "".join(f"{qid}:{self.questions[qid].content_hash}\n" for qid in sorted(self.questions))
        return hashlib.sha256(lines.encode()).hexdigest()

    def all_questions(self) -> list[Question]:
        return [self.questions[qid].question for qid in sorted(self.questions)]


def display_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd())) if path.is_absolute() else str(path)
    except ValueError:
        return str(path)


def content_hash(question: Question) -> str:
    data = question.model_dump(mode="json", by_alias=True)
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def question_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    # hidden files and folders (editor backups, .git) are not content
    paths = (p for p in root.rglob("*") if p.suffix in SUFFIXES and p.is_file())
    return sorted(p for p in paths if not any(part.startswith(".") for part in p.relative_to(root).parts))


def load_bytes(path: Path, raw: bytes) -> tuple[LoadedQuestion | None, list[BankError]]:
    """Validate one file's content; never raises on bad content."""
    try:
        document = parse(decode(raw), markdown=path.suffix == ".md")
    except SourceError as exc:
        return None, [BankError(path, exc.line, exc.message)]
    data: Any = document.data
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        return None, [BankError(path, document.line_of(()), f"a question file is a YAML mapping, not {kind}")]
    errors: list[BankError] = []
    if document.body.strip():
        if "prompt" in data:
            message = "prompt is given in the front matter and as the Markdown body; keep one"
            errors.append(BankError(path, document.line_of(("prompt",)), message))
        data = {**data, "prompt": document.body.strip()}
    try:
        question = Question.model_validate(data)
    except ValidationError as exc:
        return None, errors + [_error(path, document, err) for err in exc.errors()]
    if errors:
        return None, errors
    return LoadedQuestion(question, path, content_hash(question), document), []


def load_file(path: Path) -> tuple[LoadedQuestion | None, list[BankError]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [BankError(path, 1, f"cannot read the file: {exc.strerror or exc}")]
    return load_bytes(path, raw)


def load_bank(root: Path | str | None = None, *, known_tasks: Collection[str] | None = None) -> Bank:
    """Load every question file under `root` (default: the bundled bank).

    `known_tasks`, when given, is the set of sandbox task ids; a sandbox
    question naming another task is an error.
    """
    root = QUESTIONS_DIR if root is None else Path(root)
    errors: list[BankError] = []
    if not root.exists():
        return Bank({}, [BankError(root, 1, "no such file or directory")])
    loaded: list[LoadedQuestion] = []
    for path in question_files(root):
        item, file_errors = load_file(path)
        errors.extend(file_errors)
        if item is not None:
            loaded.append(item)
    questions, duplicate_errors = _by_id(loaded)
    errors.extend(duplicate_errors)
    if known_tasks is not None:
        errors.extend(_unknown_tasks(questions.values(), known_tasks))
    return Bank(questions, sorted(errors))


def _by_id(loaded: list[LoadedQuestion]) -> tuple[dict[str, LoadedQuestion], list[BankError]]:
    # Both copies of a duplicated id are left out: neither is known to be the right one.
    places: dict[str, list[LoadedQuestion]] = {}
    for item in loaded:
        places.setdefault(item.question.id, []).append(item)
    errors = []
    for qid, items in places.items():
        for item in items if len(items) > 1 else ():
            others = ", ".join(f"{display_path(o.path)}:{o.line_of('id')}" for o in items if o is not item)
            message = f"duplicate id '{qid}' (also in {others})"
            errors.append(BankError(item.path, item.line_of("id"), message))
    return {qid: items[0] for qid, items in places.items() if len(items) == 1}, errors


def _unknown_tasks(items: Iterable[LoadedQuestion], known_tasks: Collection[str]) -> list[BankError]:
    return [
        BankError(item.path, item.line_of("task"), f"unknown sandbox task '{item.question.task}'")
        for item in items
        if item.question.task is not None and item.question.task not in known_tasks
    ]


def _error(path: Path, document: Document, err: Any) -> BankError:
    loc = tuple(err["loc"])
    message = err["msg"].removeprefix("Value error, ")
    if err["type"] == "value_error":
        hint = next((f for prefix, f in _MODEL_ERROR_FIELDS.items() if message.startswith(prefix)), None)
        if hint and (not loc or loc[-1] != hint):
            loc = (*loc, hint)
    if loc == ("prompt",) and document.body.strip() and "prompt" not in document.data:
        return BankError(path, document.body_line, f"Markdown body (the prompt): {message}")
    return BankError(path, document.line_of(loc), describe(err["type"], loc, message, err))

