"""The outbox: write the message in the caller's transaction, enqueue its id after commit,
and let workers move its status forward (never backward, never out of a final state).

Channel senders live in their channel packages; core names them by import path only, so it
never imports a channel.
"""
from __future__ import annotations

import logging
from typing import Any

from rq import Retry
from rq.exceptions import DuplicateJobError
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import after_commit, transaction
from core.models.outbox import FINAL, PENDING, PROGRESS, OutboxMessage, SmsOptOut
from core.phones import normalize_mobile
from core.queues import get_queue
from core.times import utcnow as now

log = logging.getLogger(__name__)

# The `webhooks` queue is reserved for agency webhooks (CONTRACT §7), not built yet.
SENDERS = {
    "sms": "sms_gateway.sender.send_sms",
    "push": "push.sender.send_push",
}
CHANNEL_QUEUES = {"sms": "sms", "push": "push", "webhook": "webhooks"}
# Network errors, 5xx and 429 are retried with back-off; RQ's scheduler runs the retries.
RETRY_INTERVALS = [5, 30, 120, 600, 1800]
MAX_ATTEMPTS = len(RETRY_INTERVALS) + 1
JOB_TIMEOUT = 60


def queue_for(channel: str, kind: str) -> str:
    if kind == "otp":
        return "otp"
    if kind == "campaign":
        return "campaigns"
    return CHANNEL_QUEUES[channel]


def enqueue(outbox_id: int, channel: str, kind: str) -> bool:
    """Put the id on its queue; duplicate-safe (the job id is the outbox id)."""
    queue = get_queue(queue_for(channel, kind))
    try:
        queue.enqueue(SENDERS[channel], outbox_id, job_id=f"outbox-{outbox_id}", unique=True,
                      retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
                      job_timeout=JOB_TIMEOUT, at_front=kind == "otp")
    except DuplicateJobError:
        return False
    return True


def _enqueue_safely(outbox_id: int, channel: str, kind: str) -> None:
    try:
        enqueue(outbox_id, channel, kind)
    except Exception:
        # Redis is down or unreachable: the row waits; the sweeper enqueues it later.
        log.warning("outbox enqueue failed; left for the sweeper",
                    extra={"outbox_id": outbox_id}, exc_info=True)


def add_message(session: Session, *, channel: str, kind: str, recipient: str, language: str,
                payload: dict[str, Any], citizen_id: int | None = None,
                dedupe_key: str | None = None) -> OutboxMessage:
    """Write a message in the caller's transaction; it is enqueued once that commits."""
    if dedupe_key:
        existing = session.scalar(select(OutboxMessage).where(
            OutboxMessage.dedupe_key == dedupe_key))
        if existing is not None:
            return existing
    message = OutboxMessage(channel=channel, kind=kind, recipient=recipient, language=language,
                            payload=payload, citizen_id=citizen_id, dedupe_key=dedupe_key,
                            status=PENDING, attempts=0)
    session.add(message)
    session.flush()
    outbox_id = message.id
    after_commit(session, lambda: _enqueue_safely(outbox_id, channel, kind))
    return message


def add_sms(session: Session, *, to: str, body: str, kind: str, language: str,
            citizen_id: int | None = None, dedupe_key: str | None = None) -> OutboxMessage:
    """An SMS to a mobile number; a landline or invalid number is refused before the outbox."""
    return add_message(session, channel="sms", kind=kind, recipient=normalize_mobile(to, "to"),
                       language=language, payload={"body": body}, citizen_id=citizen_id,
                       dedupe_key=dedupe_key)


def send_sms(**kwargs: Any) -> int:
    """Convenience: add one SMS in its own transaction and return its id."""
    with transaction() as session:
        return add_sms(session, **kwargs).id


def lock_message(session: Session, outbox_id: int) -> OutboxMessage | None:
    """The row under a lock (PostgreSQL FOR UPDATE; SQLite serialises writers anyway)."""
    return session.scalar(
        select(OutboxMessage).where(OutboxMessage.id == outbox_id).with_for_update())


def advance(message: OutboxMessage, status: str, **changes: Any) -> bool:
    """Move forward only; late or duplicate updates are ignored (and say so)."""
    if message.status in FINAL or PROGRESS[status] < PROGRESS[message.status]:
        return False
    if PROGRESS[status] == PROGRESS[message.status] and status != message.status:
        return False
    message.status = status
    for key, value in changes.items():
        setattr(message, key, value)
    if status in FINAL and message.completed_at is None:
        message.completed_at = now()
    return True


def is_opted_out(session: Session, phone: str, *, provider_only: bool = False) -> bool:
    row = session.get(SmsOptOut, phone)
    return row is not None and (row.provider_blocked or not provider_only)


def opt_out(session: Session, phone: str, *, source: str) -> None:
    row = session.get(SmsOptOut, phone)
    if row is None:
        row = SmsOptOut(phone=phone, source=source, provider_blocked=False)
        session.add(row)
    if source == "provider":
        row.provider_blocked = True


def opt_in(session: Session, phone: str) -> None:
    """START lifts both our STOP and the provider's block: Twilio also re-subscribes a
    number that texts START to it."""
    row = session.get(SmsOptOut, phone)
    if row is not None:
        session.delete(row)


def apply_receipt(channel: str, provider_id: str, status: str,
                  error_code: str | None = None) -> bool:
    """A provider's delivery report; duplicates and late arrivals change nothing."""
    with transaction() as session:
        message = session.scalar(
            select(OutboxMessage).where(OutboxMessage.channel == channel,
                                        OutboxMessage.provider_id == provider_id)
            .with_for_update())
        if message is None:
            return False
        changes: dict[str, Any] = {}
        if error_code:
            changes["error_code"] = error_code
        return advance(message, status, **changes)
