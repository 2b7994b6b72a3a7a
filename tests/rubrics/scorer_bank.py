"""Loading the question bank's files for the scorer's tests (the rubrics package never reads the bank)."""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from question_bank.schema import Question
from rubrics import Scorer, ScoringContext

QUESTIONS_DIR = Path(__file__).resolve().parents[2] / "question_bank" / "questions"


def question_files() -> list[Path]:
    return sorted(QUESTIONS_DIR.glob("*.yaml"))


@cache
def load_question(path: Path) -> Question | None:
    """None when the file does not validate: `prodready bank lint` reports those."""
    try:
        return Question.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (ValidationError, yaml.YAMLError, TypeError):
        return None


@lru_cache(maxsize=1)
def bank_scorer() -> Scorer:
    questions = [q for q in map(load_question, question_files()) if q is not None]
    return Scorer([q.prompt for q in questions] + [q.model_answer for q in questions])


def candidate_context(question: Question) -> ScoringContext:
    return ScoringContext(prompt=question.prompt, model_answer=question.model_answer)
