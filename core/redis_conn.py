"""One Redis connection pool per process, pointed at REDIS_URL or the embedded server."""
from __future__ import annotations

import redis

from core.config import Settings, get_settings
from core.embedded_redis import ensure_embedded_redis

_clients: dict[str, redis.Redis] = {}


def resolve_redis_url(settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    if settings.redis_url:
        return settings.redis_url
    return ensure_embedded_redis(settings.instance_dir)


def get_redis(settings: Settings | None = None) -> redis.Redis:
    """A client with short timeouts: a Redis outage must fail fast, not hang requests."""
    url = resolve_redis_url(settings)
    client = _clients.get(url)
    if client is None:
        client = redis.Redis.from_url(
            url, socket_timeout=2, socket_connect_timeout=1, health_check_interval=30
        )
        _clients[url] = client
    return client


def reset_clients() -> None:
    for client in _clients.values():
        client.close()
    _clients.clear()
