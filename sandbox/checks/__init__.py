"""Registry of the prober's checks. Importing this package registers every built-in check."""

from sandbox.checks import (  # noqa: F401  (imported to register)
    agreement,
    batch,
    contract,
    drift,
    health,
    latency,
    metrics,
    validation,
    version,
)
from sandbox.checks.base import Check, CheckCannotRun, Outcome, ProbeContext, get_check, register, registered

__all__ = ["Check", "CheckCannotRun", "Outcome", "ProbeContext", "get_check", "register", "registered"]
