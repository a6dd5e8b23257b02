"""Rate limits (Flask-Limiter on Redis, moving window), shared by all web processes."""
from __future__ import annotations

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from core.phones import parse_phone
from core.redis_conn import resolve_redis_url
from core.send_rate import limits_url

limiter = Limiter(key_func=get_remote_address, strategy="moving-window", headers_enabled=True,
                  in_memory_fallback_enabled=True, swallow_errors=True)


def phone_key() -> str:
    """Limit per phone number, however it was typed."""
    body = request.get_json(silent=True)
    raw = body.get("phone") if isinstance(body, dict) else None
    number = parse_phone(raw) if isinstance(raw, str) else None
    return f"phone:{number.national_number if number else 'invalid'}"


def init(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", limits_url(resolve_redis_url()))
    limiter.init_app(app)
