"""Registry of sandbox tasks: task id -> task."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

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
# id -> (module, class), imported on first use.
BUILTIN_TASKS = {"churn-deploy": ("sandbox.tasks.churn_deploy", "ChurnDeployTask")}


def task_ids() -> list[str]:
    return sorted(set(_FACTORIES) | set(BUILTIN_TASKS))


def get_task(task_id: str) -> Task:
    if task_id not in _FACTORIES and task_id in BUILTIN_TASKS:
        # Imported on first use: building a task trains its model, which only the kit and the prober need.
        module, name = BUILTIN_TASKS[task_id]
        register_task(task_id, getattr(import_module(module), name))
    if task_id not in _FACTORIES:
        raise UnknownTask(task_id)
    if task_id not in _INSTANCES:
        _INSTANCES[task_id] = _FACTORIES[task_id]()
    return _INSTANCES[task_id]
