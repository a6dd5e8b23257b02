"""Per-number conversation state in Redis with a TTL: the last FIND, for MORE."""
from __future__ import annotations

import json

from core.redis_conn import get_redis

TTL_SECONDS = 30 * 60


def _key(phone: str) -> str:
    return f"sms:find:{phone}"


def save_results(phone: str, codes: list[str], shown: int) -> None:
    get_redis().set(_key(phone), json.dumps({"codes": codes, "shown": shown}), ex=TTL_SECONDS)


def load_results(phone: str) -> tuple[list[str], int] | None:
    raw = get_redis().get(_key(phone))
    if raw is None:
        return None
    state = json.loads(raw)
    return state["codes"], state["shown"]
