"""Lint: loader errors plus the content checks, as `path:line: [warning: ]message`."""

from __future__ import annotations

from pathlib import Path

import pytest

from question_bank.lint import contains_phrase, has_errors, lint_bank, pitfall_trigger, stems
from question_bank.loader import load_bank

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def in_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)


def test_content_problems_are_reported_at_their_lines() -> None:
    assert [problem.format() for problem in lint_bank("lint")] == [
        "lint/old-name.yaml:1: warning: file name 'old-name.yaml' does not match id 'renamed-question'",
        "lint/unhealthy-question.yaml:12: follow-up repeats follow_ups[0]",
        "lint/unhealthy-question.yaml:33: warning: required concept 'tail latency' "
        "never appears in the model answer",
        "lint/unhealthy-question.yaml:45: pitfall 'big-bang' is triggered by the model answer "
        "('all traffic at once'); the model answer would be penalised",
        "lint/unhealthy-question.yaml:54: calibration answer is identical to the model answer",
    ]


def test_good_files_are_clean() -> None:
    assert lint_bank("good") == []


def test_loader_errors_are_lint_errors() -> None:
    problems = lint_bank("broken/weight-sum.yaml")
    assert [p.format() for p in problems] == [
        "broken/weight-sum.yaml:22: rubric.criteria: criterion weights add up to 0.90, not 1.0"
    ]
    assert has_errors(problems)


def test_warnings_alone_are_not_errors() -> None:
    assert not has_errors(lint_bank("lint/old-name.yaml"))


@pytest.mark.parametrize(
    ("text", "phrase", "found"),
    [
        ("We retrain models weekly.", "retraining model", True),
        ("Canary Releases widen in steps", "canary release", True),
        ("p99 latency", "P99", True),
        ("the latency", "tail latency", False),
        ("anything", "", False),
        ("rollout. Later, canary", "rollout canary", False),
    ],
)
def test_phrases_match_by_stem_and_case(text: str, phrase: str, found: bool) -> None:
    assert contains_phrase(stems(text), phrase) is found


def test_a_negated_trigger_does_not_flag_a_pitfall() -> None:
    pitfall = load_bank("good").questions["canary-release-basics"].question.rubric.pitfalls[0]
    assert pitfall_trigger(stems("We send all traffic at once."), pitfall) == "all traffic at once"
    assert pitfall_trigger(stems("Never send all traffic at once."), pitfall) is None
    assert pitfall_trigger(stems("Don't route all traffic at once; widen in steps."), pitfall) is None
    assert pitfall_trigger(stems("No canary. We send all traffic at once."), pitfall) == "all traffic at once"
