"""Periodic job functions (run by RQ workers on the `periodic` queue)."""
from __future__ import annotations

import time

from core.redis_conn import get_redis


def heartbeat() -> float:
    """Records that the scheduler and a worker are both alive (read by /metrics)."""
    now = time.time()
    get_redis().set("bawaba:heartbeat", now, ex=600)
    return now
