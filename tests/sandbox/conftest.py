"""Fixtures for the sandbox runner and isolation tests (defined in attack_projects/support.py and planted_trees.py)."""

from tests.sandbox.attack_projects.support import fully_isolated, host, runtime_dir, work_root  # noqa: F401
from tests.sandbox.planted_trees import platform  # noqa: F401
