"""Fixtures for the sandbox runner and isolation tests (defined in attack_projects/support.py)."""

from tests.sandbox.attack_projects.support import fully_isolated, host, runtime_dir, work_root  # noqa: F401
