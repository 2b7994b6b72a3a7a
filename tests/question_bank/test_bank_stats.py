"""Stats: counts by kind, stage and level with zeros, and the coverage minimums."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from question_bank.cli import stats_command
from question_bank.loader import load_bank
from question_bank.schema import KINDS, LEVELS, STAGES
from question_bank.stats import bank_stats, coverage_met, format_stats

GOOD = Path(__file__).parent / "fixtures" / "good"


def test_counts_include_every_known_value() -> None:
    stats = bank_stats(load_bank(GOOD).all_questions())
    assert stats["total"] == 2
    assert stats["by_kind"] == {kind: 2 if kind == "technical" else 0 for kind in KINDS}
    assert stats["by_stage"] == {stage: 2 if stage in ("deployment", "monitoring") else 0 for stage in STAGES}
    assert stats["by_level"] == {level: 2 if level == "beginner" else 0 for level in LEVELS}


def test_coverage_lists_the_issue_minimums() -> None:
    coverage = {item["name"]: item for item in bank_stats(load_bank(GOOD).all_questions())["coverage"]}
    assert {name: item["required"] for name, item in coverage.items()} == {
        "total": 80, "each stage": 6, "each level": 20,
        "behavioral": 12, "technical": 40, "case": 6, "sandbox": 1,
    }
    assert coverage["each level"]["short"] == ["beginner", "intermediate", "advanced"]
    assert not any(item["met"] for item in coverage.values())


def test_coverage_is_met_by_a_large_enough_bank() -> None:
    question = load_bank(GOOD).questions["canary-release-basics"].question
    variants = []
    for index in range(96):
        kind = ("behavioral", "technical", "technical", "technical", "case", "sandbox")[index % 6]
        variants.append(question.model_copy(update={
            "kind": kind, "stages": [STAGES[index % 8]], "level": LEVELS[index % 3],
        }))
    stats = bank_stats(variants)
    assert coverage_met(stats), stats["coverage"]
    assert "MISSING" not in format_stats(stats)


def test_stats_json_command(capsys) -> None:
    assert stats_command(argparse.Namespace(path=GOOD, json=True, check=False)) == 0
    output = json.loads(capsys.readouterr().out)
    assert {"total", "by_kind", "by_stage", "by_level", "coverage"} <= set(output)
    assert output["total"] == 2 and output["errors"] == 0
    assert stats_command(argparse.Namespace(path=GOOD, json=False, check=True)) == 1
    assert "coverage" in capsys.readouterr().out
