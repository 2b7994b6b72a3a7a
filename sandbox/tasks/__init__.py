"""Registry of sandbox tasks: task id -> task."""

from __future__ import annotations

from collections.abc import Callable

from sandbox.tasks.base import CheckPlan, Feature, Prediction, Task

__all__ = [
    "CheckPlan",
    "Feature",
    "Prediction",
    "Task",
    "UnknownTask",
    "get_task",
    "register_task",
    "task_ids",
]

_FACTORIES: dict[str, Callable[[], Task]] = {}
_INSTANCES: dict[str, Task] = {}


class UnknownTask(KeyError):
    def __str__(self) -> str:
        return f"unknown task {self.args[0]!r}; known tasks: {', '.join(task_ids())}"


def register_task(task_id: str, factory: Callable[[], Task]) -> None:
    _FACTORIES[task_id] = factory


# Built-in task ids, known without importing the tasks (which pulls in pandas and scikit-learn):
# listing them (command line help, validation) must stay cheap.
BUILTIN_TASKS = ("churn-deploy",)


def task_ids() -> list[str]:
    return sorted(set(_FACTORIES) | set(BUILTIN_TASKS))


def get_task(task_id: str) -> Task:
    _load_builtin()
    if task_id not in _FACTORIES:
        raise UnknownTask(task_id)
    if task_id not in _INSTANCES:
        _INSTANCES[task_id] = _FACTORIES[task_id]()
    return _INSTANCES[task_id]


def _load_builtin() -> None:
    # Imported lazily: building a task trains its model, which only the kit and the prober need.
    if "churn-deploy" not in _FACTORIES:
        from sandbox.tasks.churn_deploy import ChurnDeployTask

        register_task("churn-deploy", ChurnDeployTask)
