"""Outbox gauges for /metrics, read from the database and Redis when scraped."""
from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select

from core.db import transaction
from core.metrics import add_gauge_source
from core.models.outbox import OutboxMessage
from core.redis_conn import get_redis
from core.sweeper import STATS_KEY

Gauge = tuple[str, str, dict[str, str], float]


def outbox_gauges() -> Iterator[Gauge]:
    with transaction() as session:
        rows = session.execute(
            select(OutboxMessage.channel, OutboxMessage.status, func.count())
            .group_by(OutboxMessage.channel, OutboxMessage.status)).all()
    for channel, status, count in rows:
        yield ("bawaba_outbox_messages", "Outbox messages by channel and status",
               {"channel": channel, "status": status}, float(count))


def sweeper_gauges() -> Iterator[Gauge]:
    try:
        stats = get_redis().hgetall(STATS_KEY)
    except Exception:
        return  # Redis down: /readyz says so; metrics still answer
    for key, value in stats.items():
        name = key.decode() if isinstance(key, bytes) else str(key)
        yield (f"bawaba_sweeper_{name}", f"Outbox sweeper: {name.replace('_', ' ')}", {},
               float(value))


def install() -> None:
    add_gauge_source(outbox_gauges)
    add_gauge_source(sweeper_gauges)
