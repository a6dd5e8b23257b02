"""Helpers shared by tests: real RQ workers on the real Redis."""
from __future__ import annotations

from rq import SimpleWorker
from rq.serializers import JSONSerializer

from core.queues import QUEUE_NAMES, get_queue
from core.redis_conn import get_redis


def run_worker(*, due_retries: bool = False) -> None:
    """A real RQ worker, in burst mode: works every queue, in priority order, until empty.

    `due_retries` makes jobs that wait for a retry back-off due now (instead of sleeping).
    """
    queues = [get_queue(name) for name in QUEUE_NAMES]
    while True:
        if due_retries:
            for queue in queues:
                registry = queue.scheduled_job_registry
                for job_id in registry.get_job_ids():
                    registry.remove(job_id)
                    queue.enqueue_job(queue.fetch_job(job_id))
        SimpleWorker(queues, connection=get_redis(), serializer=JSONSerializer).work(
            burst=True, with_scheduler=False)
        waiting = sum(q.scheduled_job_registry.count for q in queues)
        if not (due_retries and waiting):
            return
