"""A small circuit breaker for the second rater, with an injectable clock.

Why not a library: pybreaker holds its lock while the protected call runs, so one slow LLM call
would queue every other rating behind it; circuitbreaker has no locking; neither (nor purgatory)
lets a test inject the clock. This one only locks its own bookkeeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Literal

BreakerState = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    """Closed: calls go through. After `failure_threshold` consecutive failures it opens and
    refuses calls for `cooldown_seconds`; then it half-opens and lets exactly one probe through.
    The probe's success closes it, its failure opens it again for another cool-down."""

    def __init__(
        self,
        failure_threshold: int,
        cooldown_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        self._threshold = failure_threshold
        self._cooldown = cooldown_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._state: BreakerState = "closed"
        self._failures = 0
        self._opened_at = 0.0
        self._probe_started_at: float | None = None

    @property
    def state(self) -> BreakerState:
        with self._lock:
            return self._state

    @property
    def consecutive_failures(self) -> int:
        with self._lock:
            return self._failures

    def retry_in(self) -> float:
        """Seconds until the breaker lets a probe through (0 when it would now)."""
        with self._lock:
            if self._state != "open":
                return 0.0
            return max(0.0, self._opened_at + self._cooldown - self._clock())

    def allow(self) -> bool:
        """Whether a call may go out now. A True in half-open state reserves the single probe."""
        with self._lock:
            now = self._clock()
            if self._state == "closed":
                return True
            if self._state == "open":
                if now - self._opened_at < self._cooldown:
                    return False
                self._state = "half_open"
                self._probe_started_at = now
                return True
            # Half-open: one probe at a time; a probe that never reported back is given up on
            # after a cool-down so the breaker cannot stick.
            if self._probe_started_at is not None and now - self._probe_started_at < self._cooldown:
                return False
            self._probe_started_at = now
            return True

    def record_success(self) -> None:
        with self._lock:
            self._state = "closed"
            self._failures = 0
            self._probe_started_at = None

    def record_failure(self) -> None:
        with self._lock:
            self._failures += 1
            self._probe_started_at = None
            if self._state == "half_open" or self._failures >= self._threshold:
                self._state = "open"
                self._opened_at = self._clock()
