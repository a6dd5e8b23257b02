"""Per-session USSD state in Redis, short-lived (a USSD session lasts a few minutes at most).

* The caller's language, looked up in the database once per session, then read from Redis.
* The answer to each final hop that acted on the core (complaint, status, language), keyed by
  (session, the path that led to it): a gateway that resends the hop (timeout, retry) gets
  the stored answer and nothing is done twice. `SET NX` of a "pending" marker before the
  action makes this atomic between concurrent twins.

Keys are scoped by phone and session id together, so one caller can never read another's
answers by guessing a session id.
"""
from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable

from core.redis_conn import get_redis
from sms_gateway.ussd.protocol import Screen, UssdHop

SESSION_TTL = 300  # seconds; Africa's Talking ends a session after about 3 minutes
RESULT_TTL = 3600  # late retries of a final hop still get the same answer
PENDING_TTL = 30  # longer than any action; frees the key if a worker died mid-way
WAIT_SECONDS = 3.0  # a twin waits this long for the first hop's answer
PENDING = b"pending"


class StillPending(RuntimeError):
    """A twin of this hop is still running its action; answer with an apology."""


def scope(session_id: str, phone: str) -> str:
    return hashlib.sha256(f"{phone}|{session_id}".encode()).hexdigest()[:32]


def language(hop: UssdHop, lookup: Callable[[str], str]) -> str:
    """The session's language: from Redis, else `lookup(phone)` once, kept for the session."""
    redis, key = get_redis(), f"ussd:lang:{scope(hop.session_id, hop.phone)}"
    cached = redis.get(key)
    if cached:
        return cached.decode()
    lang = lookup(hop.phone)
    redis.set(key, lang, ex=SESSION_TTL)
    return lang


def _result_key(hop: UssdHop, path: str) -> str:
    digest = hashlib.sha256(path.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"ussd:final:{scope(hop.session_id, hop.phone)}:{digest}"


def _encode(screen: Screen) -> str:
    return json.dumps({"text": screen.text, "ends": screen.ends}, ensure_ascii=False)


def _decode(raw: bytes) -> Screen:
    data = json.loads(raw)
    return Screen(data["text"], bool(data["ends"]))


def _perform(key: str, action: Callable[[], Screen]) -> Screen:
    redis = get_redis()
    try:
        screen = action()
    except BaseException:
        redis.delete(key)  # nothing was done (the transaction rolled back): allow a retry
        raise
    redis.set(key, _encode(screen), ex=RESULT_TTL)
    return screen


def run_once(hop: UssdHop, path: str, action: Callable[[], Screen]) -> Screen:
    """`action()` the first time this (session, path) is seen; its stored answer after."""
    redis, key = get_redis(), _result_key(hop, path)
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        if redis.set(key, PENDING, nx=True, ex=PENDING_TTL):
            return _perform(key, action)
        stored = redis.get(key)
        if stored is not None and stored != PENDING:
            return _decode(stored)
        if time.monotonic() > deadline:
            raise StillPending(key)
        time.sleep(0.05)  # the twin is acting now (or just failed and freed the key)


def extend_path(session_id: str, phone: str, latest: str | None, new_session: bool
                ) -> list[str]:
    """For gateways that send only the latest input: the session's inputs so far, with
    `latest` appended. (Africa's Talking sends the whole path and does not need this.)"""
    key = f"ussd:path:{scope(session_id, phone)}"
    pipe = get_redis().pipeline(transaction=True)
    if new_session:
        pipe.delete(key)
    if latest is not None:
        pipe.rpush(key, latest)
    pipe.expire(key, SESSION_TTL)
    pipe.lrange(key, 0, -1)
    return [item.decode() for item in pipe.execute()[-1]]
