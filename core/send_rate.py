"""Shared send-rate limits (e.g. Twilio's messages per second) across all worker processes,
using the `limits` library's moving window on Redis."""
from __future__ import annotations

import functools
import time

from limits import RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from core.redis_conn import resolve_redis_url


def limits_url(redis_url: str) -> str:
    # `limits` spells unix sockets redis+unix:///path; redis-py uses unix:///path?db=N.
    if redis_url.startswith("unix://"):
        return "redis+unix://" + redis_url[len("unix://"):].split("?")[0]
    return redis_url


@functools.cache
def _limiter(redis_url: str) -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(storage_from_string(limits_url(redis_url)))


def wait_for_slot(name: str, per_second: int, max_wait: float = 30.0, cost: int = 1) -> bool:
    """Block until `cost` more sends fit in `per_second`; False if not within max_wait."""
    if per_second <= 0:
        return True
    cost = min(cost, per_second)  # a batch larger than a second's allowance waits a second
    limiter, item = _limiter(resolve_redis_url()), RateLimitItemPerSecond(per_second)
    deadline = time.monotonic() + max_wait
    while not limiter.hit(item, "send-rate", name, cost=cost):
        if time.monotonic() > deadline:
            return False
        reset = limiter.get_window_stats(item, "send-rate", name).reset_time
        time.sleep(min(max(reset - time.time(), 0.005), 0.25))
    return True
