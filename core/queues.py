"""RQ queues, in the priority order workers listen to them: OTPs never wait behind bulk."""
from __future__ import annotations

from rq import Queue
from rq.serializers import JSONSerializer

from core.redis_conn import get_redis

QUEUE_NAMES = ("otp", "sms", "push", "campaigns", "webhooks", "periodic")

# Jobs carry ids only; results are not read back, failures are kept a week for inspection.
RESULT_TTL = 600
FAILURE_TTL = 7 * 24 * 3600


def get_queue(name: str) -> Queue:
    if name not in QUEUE_NAMES:
        raise ValueError(f"unknown queue {name!r}")
    return Queue(name, connection=get_redis(), serializer=JSONSerializer,
                 default_timeout=60, result_ttl=RESULT_TTL, failure_ttl=FAILURE_TTL)
