"""A check: one graded aspect of a candidate's service. Each check is a small class in the registry."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from sandbox.probe_client import ProbeClient, ProbeResponse
from sandbox.report import CheckVerdict, Exchange

if TYPE_CHECKING:
    from sandbox.options import ProbeOptions
    from sandbox.tasks.base import Task

MAX_EVIDENCE = 8


class CheckCannotRun(Exception):
    """Raised by a check that cannot produce an honest result; the message says why."""


@dataclass
class ProbeContext:
    client: ProbeClient
    task: Task
    options: ProbeOptions
    params: dict[str, Any] = field(default_factory=dict)  # the task's parameters for the running check


@dataclass
class Outcome:
    verdict: CheckVerdict
    score: float
    summary: str
    evidence: list[Exchange] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def graded(cls, fraction: float, summary: str, *, partial_from: float = 0.8, **kwargs: Any) -> Outcome:
        """Pass when everything held, partial from `partial_from`, fail below."""
        if fraction >= 1.0:
            verdict = CheckVerdict.passed
        elif fraction >= partial_from:
            verdict = CheckVerdict.partial
        else:
            verdict = CheckVerdict.failed
        return cls(verdict, round(max(0.0, min(1.0, fraction)), 4), summary, **kwargs)


class Evidence:
    """Collects exchanges worth showing: failures first, then a few samples."""

    def __init__(self, limit: int = MAX_EVIDENCE) -> None:
        self.limit = limit
        self.bad: list[Exchange] = []
        self.good: list[Exchange] = []

    def add(self, response: ProbeResponse | Exchange, *, ok: bool, note: str | None = None) -> None:
        exchange = response.exchange if isinstance(response, ProbeResponse) else response
        if note:
            exchange = exchange.model_copy(
                update={"note": f"{note}; {exchange.note}" if exchange.note else note}
            )
        (self.good if ok else self.bad).append(exchange)

    def items(self) -> list[Exchange]:
        picked = self.bad[: self.limit - 1] if self.good else self.bad[: self.limit]
        return picked + self.good[: min(3, self.limit - len(picked))]


class Check(ABC):
    id: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str]
    hint: ClassVar[str]

    @abstractmethod
    async def run(self, ctx: ProbeContext) -> Outcome: ...


_REGISTRY: dict[str, type[Check]] = {}


def register(cls: type[Check]) -> type[Check]:
    if cls.id in _REGISTRY:
        raise ValueError(f"check {cls.id!r} is registered twice")
    _REGISTRY[cls.id] = cls
    return cls


def get_check(check_id: str) -> Check:
    return _REGISTRY[check_id]()


def registered() -> dict[str, type[Check]]:
    return dict(_REGISTRY)
