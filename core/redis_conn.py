"""One Redis connection pool per process, pointed at REDIS_URL or the embedded server."""
from __future__ import annotations

import redis

from core.config import Settings, get_settings
from core.embedded_redis import ensure_embedded_redis

_clients: dict[str, redis.Redis] = {}
_embedded: dict[str, str] = {}  # instance dir -> socket URL, once the server answered


def resolve_redis_url(settings: Settings | None = None) -> str:
    settings = settings or get_settings()
    if settings.redis_url:
        return settings.redis_url
    key = str(settings.instance_dir)
    if key not in _embedded:
        # Checked (and started) once per process, not on every call: it costs a PING.
        _embedded[key] = ensure_embedded_redis(settings.instance_dir)
    return _embedded[key]


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
    _embedded.clear()
