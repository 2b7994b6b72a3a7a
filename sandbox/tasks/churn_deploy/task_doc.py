"""TASK.md for the kit, filled from the task itself so the document cannot drift from the grading."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sandbox.tasks.churn_deploy import ChurnDeployTask

TEMPLATE = Path(__file__).with_name("TASK.md.in")


def checks_table(task: ChurnDeployTask) -> str:
    from sandbox.checks import registered

    checks = registered()
    lines = ["| check | weight | what is graded |", "|---|---|---|"]
    for plan in task.check_plan():
        check = checks[plan.check_id]
        lines.append(f"| `{plan.check_id}` — {check.title} | {plan.weight} | {check.description} |")
    return "\n".join(lines)


def render_task_md(task: ChurnDeployTask) -> str:
    from sandbox.tasks.churn_deploy.model import model_sha256

    values = {
        "{{MODEL_VERSION}}": task.model_version,
        "{{MODEL_SHA256}}": model_sha256(),
        "{{CHECKS_TABLE}}": checks_table(task),
        "{{MAX_BATCH_ROWS}}": str(task.max_batch_rows),
        "{{TOLERANCE}}": f"{task.probability_tolerance:g}",
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text
