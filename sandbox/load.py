"""A bounded load run: a fixed number of requests at a fixed concurrency, with latency percentiles."""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import Any

import numpy as np

from sandbox.probe_client import ProbeClient, ProbeResponse
from sandbox.report import LatencyStats


async def run_load(
    client: ProbeClient, path: str, rows: list[dict[str, Any]], *, requests: int, concurrency: int
) -> tuple[LatencyStats, list[ProbeResponse]]:
    """Send `requests` single-row predictions cycling through `rows`.

    Returns the stats and the responses worth showing: every failure, then the slowest three.
    """
    queue = itertools.islice(itertools.cycle(rows), requests)
    latencies: list[float] = []
    failures: list[ProbeResponse] = []
    slowest: list[tuple[float, int, ProbeResponse]] = []

    async def worker() -> None:
        for row in queue:  # a shared iterator: workers take the next row until none is left
            started = time.perf_counter()
            response = await client.post(path, row)
            latencies.append((time.perf_counter() - started) * 1000)
            if not response.ok:
                failures.append(response)
            slowest.append((latencies[-1], len(latencies), response))
            slowest.sort(key=lambda item: -item[0])
            del slowest[3:]

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall = time.perf_counter() - started
    p50, p95, p99 = (float(v) for v in np.percentile(latencies, [50, 95, 99]))
    stats = LatencyStats(
        requests=len(latencies),
        concurrency=concurrency,
        p50_ms=round(p50, 2),
        p95_ms=round(p95, 2),
        p99_ms=round(p99, 2),
        error_rate=round(len(failures) / len(latencies), 4),
        wall_seconds=round(wall, 3),
    )
    return stats, failures + [response for _, _, response in slowest if response.ok]


WARM_ROWS = 100


def warm_up_requests(requests: int) -> int:
    return min(50, max(10, requests // 10))


async def warm_up(client: ProbeClient, path: str, rows: list[dict[str, Any]], count: int) -> None:
    for row in itertools.islice(itertools.cycle(rows), count):
        await client.post(path, row)
