"""Search: filters, typo-tolerant text queries, pagination."""

from __future__ import annotations

from pathlib import Path

import pytest

from question_bank.loader import load_bank
from question_bank.schema import Question
from question_bank.search import search_questions

GOOD = Path(__file__).parent / "fixtures" / "good"


@pytest.fixture
def questions() -> list[Question]:
    base = load_bank(GOOD).questions
    canary, shadow = base["canary-release-basics"].question, base["shadow-mode-basics"].question
    drift = canary.model_copy(update={
        "id": "drift-monitoring", "title": "Monitoring a churn model for data drift", "level": "advanced",
        "stages": ["monitoring"], "tags": ["drift", "psi"],
        "prompt": "Which statistics would you compute to notice that live inputs moved away from training?",
    })
    cost = canary.model_copy(update={
        "id": "inference-cost", "title": "Explaining inference cost to finance", "kind": "case",
        "stages": ["business"], "level": "intermediate", "tags": ["cost", "roi"],
        "prompt": "Finance asks why the GPU bill doubled. Explain the trade-off in business terms.",
    })
    return [canary, shadow, drift, cost]


def ids(page) -> list[str]:
    return [hit.question.id for hit in page.items]


def test_filters_combine(questions: list[Question]) -> None:
    assert ids(search_questions(questions, stage="monitoring")) == [
        "canary-release-basics", "drift-monitoring", "shadow-mode-basics",
    ]
    assert ids(search_questions(questions, stage="monitoring", level="advanced")) == ["drift-monitoring"]
    assert ids(search_questions(questions, kind="case")) == ["inference-cost"]
    assert ids(search_questions(questions, tag="PSI")) == ["drift-monitoring"]
    assert ids(search_questions(questions, tag="psi", kind="technical", level="beginner")) == []


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("canery rollout", "canary-release-basics"),
        ("canary", "canary-release-basics"),
        ("shadow mdoe", "shadow-mode-basics"),
        ("data drfit", "drift-monitoring"),
        ("infrence cost", "inference-cost"),
        ("GPU", "inference-cost"),
    ],
)
def test_text_query_tolerates_typos(questions: list[Question], query: str, first: str) -> None:
    page = search_questions(questions, query=query)
    assert page.items and page.items[0].question.id == first


@pytest.mark.parametrize("query", ["xyzzy qwerty", "zzzz", "the of and", "!!!"])
def test_junk_queries_find_nothing(questions: list[Question], query: str) -> None:
    page = search_questions(questions, query=query)
    assert (page.total, page.items) == (0, [])


def test_query_and_filters_together(questions: list[Question]) -> None:
    assert ids(search_questions(questions, query="canery", kind="case")) == []
    assert ids(search_questions(questions, query="drift", stage="monitoring"))[0] == "drift-monitoring"


def test_results_are_ranked_by_score(questions: list[Question]) -> None:
    scores = [hit.score for hit in search_questions(questions, query="canary release rollback").items]
    assert scores == sorted(scores, reverse=True) and scores


def test_pagination(questions: list[Question]) -> None:
    first = search_questions(questions, limit=3)
    second = search_questions(questions, limit=3, offset=3)
    assert (first.total, second.total) == (4, 4)
    assert len(first.items) == 3 and len(second.items) == 1
    assert set(ids(first)).isdisjoint(ids(second))
    assert search_questions(questions, offset=10).items == []
    with pytest.raises(ValueError):
        search_questions(questions, limit=0)
