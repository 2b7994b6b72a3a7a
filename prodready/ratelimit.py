"""Fixed-window rate limits in memory (embedded default) or in Redis (several replicas)."""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import FixedWindowRateLimiter

from prodready.errors import RateLimited


class RateLimiter:
    def __init__(self, redis_url: str | None = None) -> None:
        self.storage: Storage = RedisStorage(redis_url) if redis_url else MemoryStorage()
        self._limiter = FixedWindowRateLimiter(self.storage)

    def hit(self, limit: str | RateLimitItem, *keys: str) -> None:
        """Count one attempt against `limit` for these keys; raise RateLimited past it."""
        item = parse(limit) if isinstance(limit, str) else limit
        if not self._limiter.hit(item, "prodready", *keys):
            reset_at, _remaining = self._limiter.get_window_stats(item, "prodready", *keys)
            retry_after = max(1, math.ceil(reset_at - time.time()))
            raise RateLimited(f"Too many attempts. Try again in {retry_after} seconds.", retry_after=retry_after)

    def reset(self) -> None:
        self.storage.reset()
