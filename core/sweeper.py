"""The outbox sweeper (periodic): re-enqueues what Redis lost and closes what never ends.

- pending for over 2 minutes with no live job: enqueued again (Redis was flushed, down, or a
  worker died mid-job);
- pending after every attempt was used: failed;
- sending/sent with no final receipt after 72 hours: timed out.
Counts go to Redis so /metrics can show them from any process.
"""
from __future__ import annotations

import datetime as dt
import logging

from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlalchemy import select, update

from core import outbox
from core.db import transaction
from core.models.outbox import FAILED, PENDING, SENDING, SENT, TIMED_OUT, OutboxMessage
from core.redis_conn import get_redis

log = logging.getLogger(__name__)

STALE_PENDING = dt.timedelta(minutes=2)
RECEIPT_DEADLINE = dt.timedelta(hours=72)
BATCH = 5000
STATS_KEY = "bawaba:sweeper"
LIVE = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED}


def _is_alive(job: Job, now: dt.datetime) -> bool:
    status = job.get_status(refresh=False)
    if status in LIVE:
        return True
    if status == JobStatus.STARTED and job.started_at is not None:
        # A job cannot outlive its timeout; past that, its worker died (e.g. SIGKILL).
        started = job.started_at.replace(tzinfo=dt.UTC)
        return now - started < dt.timedelta(seconds=2 * outbox.JOB_TIMEOUT)
    return False


def _job_lost(outbox_id: int, now: dt.datetime) -> bool:
    """True when no live job carries this message (and any dead one is cleared away)."""
    try:
        job = Job.fetch(f"outbox-{outbox_id}", connection=get_redis())
    except NoSuchJobError:
        return True
    if _is_alive(job, now):
        return False
    job.delete(remove_from_queue=True)
    return True


def _requeue_lost(now: dt.datetime) -> int:
    with transaction() as session:
        rows = session.execute(
            select(OutboxMessage.id, OutboxMessage.channel, OutboxMessage.kind)
            .where(OutboxMessage.status == PENDING,
                   OutboxMessage.attempts < outbox.MAX_ATTEMPTS,
                   OutboxMessage.created_at < now - STALE_PENDING)
            .order_by(OutboxMessage.id).limit(BATCH)).all()
    requeued = 0
    for outbox_id, channel, kind in rows:
        if _job_lost(outbox_id, now):
            requeued += outbox.enqueue(outbox_id, channel, kind)
    return requeued


def _fail_exhausted(now: dt.datetime) -> int:
    with transaction() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == PENDING,
                   OutboxMessage.attempts >= outbox.MAX_ATTEMPTS,
                   OutboxMessage.updated_at < now - STALE_PENDING)
            .values(status=FAILED, error_code="retries_exhausted", completed_at=now))
        return getattr(result, "rowcount", 0) or 0


def _time_out_unconfirmed(now: dt.datetime) -> int:
    with transaction() as session:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status.in_((SENDING, SENT)),
                   OutboxMessage.sent_at < now - RECEIPT_DEADLINE)
            .values(status=TIMED_OUT, completed_at=now))
        return getattr(result, "rowcount", 0) or 0


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    now = now or outbox.now()
    counts = {"requeued": _requeue_lost(now), "failed": _fail_exhausted(now),
              "timed_out": _time_out_unconfirmed(now)}
    redis = get_redis()
    pipe = redis.pipeline()
    for name, value in counts.items():
        pipe.hincrby(STATS_KEY, f"{name}_total", value)
    pipe.hset(STATS_KEY, "last_run", now.timestamp())
    pipe.execute()
    if any(counts.values()):
        log.info("outbox sweep", extra=counts)
    return counts
