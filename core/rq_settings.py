"""Settings module for the `rq worker` and `rq cron` commands in the Procfile (`-c`).

REDIS_URL comes from the environment; when it is unset this starts (or reuses) the embedded
Redis under instance/, exactly as the web process does.
"""
from core.queues import QUEUE_NAMES
from core.redis_conn import resolve_redis_url

REDIS_URL = resolve_redis_url()
# Message jobs carry only ids, as JSON. The `periodic` queue has its own worker in the
# Procfile: `rq cron` (RQ 2.12) enqueues with RQ's default serializer whatever --serializer
# says, so those argument-less jobs are read by a worker using that default. (The
# serializer is a command-line flag; RQ reads no SERIALIZER setting.)
QUEUES = [name for name in QUEUE_NAMES if name != "periodic"]
