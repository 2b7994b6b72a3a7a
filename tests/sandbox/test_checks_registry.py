"""Checks are registered, documented, and the task's plan uses only known checks."""

from __future__ import annotations

from sandbox.checks import registered
from sandbox.tasks import get_task, task_ids


def test_every_planned_check_is_registered_and_weights_sum_to_100() -> None:
    checks = registered()
    for task_id in task_ids():
        plan = get_task(task_id).check_plan()
        assert {p.check_id for p in plan} <= set(checks)
        assert sum(p.weight for p in plan) == 100


def test_every_check_explains_itself() -> None:
    for check_id, cls in registered().items():
        assert cls.id == check_id
        assert cls.title and len(cls.description) > 40 and len(cls.hint) > 20


def test_the_issue_s_checks_all_exist() -> None:
    expected = {
        "contract",
        "agreement",
        "batch",
        "validation",
        "health",
        "latency",
        "metrics",
        "drift",
        "version",
    }
    assert expected <= set(registered())
