"""Settings module for the `rq worker` and `rq cron` commands in the Procfile (`-c`).

REDIS_URL comes from the environment; when it is unset this starts (or reuses) the embedded
Redis under instance/, exactly as the web process does.
"""
from core.queues import QUEUE_NAMES
from core.redis_conn import resolve_redis_url

REDIS_URL = resolve_redis_url()
QUEUES = list(QUEUE_NAMES)
SERIALIZER = "rq.serializers.JSONSerializer"
