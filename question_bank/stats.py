"""Counts of the bank by kind, stage and level, and the coverage the bank must reach."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from question_bank.schema import KINDS, LEVELS, STAGES, Question


@dataclass(frozen=True)
class Minimum:
    name: str
    group: str  # "total", "kind", "stage" or "level"
    value: str | None  # the kind, stage or level counted; None for the total and "each"
    required: int


# The coverage the question-bank issue asks for.
MINIMUMS: tuple[Minimum, ...] = (
    Minimum("total", "total", None, 80),
    Minimum("each stage", "stage", None, 6),
    Minimum("each level", "level", None, 20),
    Minimum("behavioral", "kind", "behavioral", 12),
    Minimum("technical", "kind", "technical", 40),
    Minimum("case", "kind", "case", 6),
    Minimum("sandbox", "kind", "sandbox", 1),
)


def bank_stats(questions: Iterable[Question]) -> dict[str, Any]:
    """`total`, `by_kind`, `by_stage`, `by_level` (every known value, zeros included) and `coverage`.

    A question with several stages counts once in each of its stages.
    """
    items = list(questions)
    kinds = Counter(q.kind for q in items)
    stages = Counter(stage for q in items for stage in q.stages)
    levels = Counter(q.level for q in items)
    stats: dict[str, Any] = {
        "total": len(items),
        "by_kind": {kind: kinds[kind] for kind in KINDS},
        "by_stage": {stage: stages[stage] for stage in STAGES},
        "by_level": {level: levels[level] for level in LEVELS},
    }
    stats["coverage"] = [_coverage(minimum, stats) for minimum in MINIMUMS]
    return stats


def _coverage(minimum: Minimum, stats: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {"name": minimum.name, "required": minimum.required}
    if minimum.group == "total":
        item["actual"] = stats["total"]
    elif minimum.value is None:
        counts = stats[f"by_{minimum.group}"]
        item["actual"] = min(counts.values())
        item["short"] = [name for name, count in counts.items() if count < minimum.required]
    else:
        item["actual"] = stats[f"by_{minimum.group}"][minimum.value]
    item["met"] = item["actual"] >= minimum.required
    return item


def coverage_met(stats: dict[str, Any]) -> bool:
    return all(item["met"] for item in stats["coverage"])


def format_stats(stats: dict[str, Any]) -> str:
    """A plain-text table for the terminal."""
    lines = [f"{'total':<14}{stats['total']:>5}"]
    for title, key in (("kind", "by_kind"), ("stage", "by_stage"), ("level", "by_level")):
        lines.append("")
        lines.append(title)
        lines.extend(f"  {name:<12}{count:>5}" for name, count in stats[key].items())
    lines.append("")
    lines.append("coverage")
    for item in stats["coverage"]:
        mark = "ok" if item["met"] else "MISSING"
        short = f" ({', '.join(item['short'])})" if item.get("short") else ""
        lines.append(f"  {item['name']:<12}{item['actual']:>5} / {item['required']:<4}{mark}{short}")
    return "\n".join(lines)
