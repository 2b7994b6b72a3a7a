"""The real bank in question_bank/questions/: lints without errors (warnings are allowed), searchable."""

from __future__ import annotations

from question_bank.lint import lint_bank
from question_bank.loader import load_bank
from question_bank.search import search_questions


def test_real_bank_has_no_lint_errors() -> None:
    errors = [problem.format() for problem in lint_bank() if problem.severity == "error"]
    assert errors == []


def test_typo_query_finds_canary_questions_in_the_real_bank() -> None:
    page = search_questions(load_bank().all_questions(), query="canery rollout")
    assert page.items, "no question about canary rollouts in the bank yet"
    top = page.items[0].question
    assert "canary" in f"{top.title} {top.prompt} {' '.join(top.tags)}".lower()
