"""The RQ job for transactional pushes (request updates, complaint answers, reminders):
to every device of the citizen; with no device, no provider, or no device accepting it, the
message falls back to SMS through the outbox."""
from __future__ import annotations

import logging

from rq import get_current_job

from core import outbox
from core.db import transaction
from core.models import Citizen
from core.models.outbox import ACCEPTED, FELL_BACK, PENDING, OutboxMessage
from core.phones import is_mobile
from push.devices import prune, tokens_of
from push.fcm_client import PushMessage, PushResult
from push.provider import fcm_sender

log = logging.getLogger(__name__)


class RetryablePushError(Exception):
    """Raised so that RQ's Retry schedules another attempt (quota, 5xx, network)."""


def _claim(outbox_id: int) -> tuple[OutboxMessage | None, list[tuple[str, str]]]:
    with transaction() as session:
        message = outbox.lock_message(session, outbox_id)
        if message is None or message.status != PENDING:
            return None, []
        message.attempts += 1
        return message, tokens_of(session, [message.citizen_id or 0]).get(
            message.citizen_id or 0, [])


def _fall_back(outbox_id: int, reason: str) -> str:
    """SMS instead, once (the dedupe key makes a retried job harmless)."""
    with transaction() as session:
        message = outbox.lock_message(session, outbox_id)
        citizen = session.get(Citizen, message.citizen_id) if message.citizen_id else None
        if citizen is not None and is_mobile(citizen.phone):
            outbox.add_sms(session, to=citizen.phone, body=message.payload["sms_fallback"],
                           kind="transactional", language=message.language,
                           citizen_id=citizen.id, dedupe_key=f"push-fallback:{outbox_id}")
        outbox.advance(message, FELL_BACK, error_code=reason)
    return FELL_BACK


def _record(outbox_id: int, results: list[PushResult]) -> str | None:
    """ACCEPTED when any device took it; None when nothing was accepted."""
    with transaction() as session:
        prune(session, [r.token for r in results if r.outcome == "prune"])
        accepted = [r for r in results if r.ok]
        if not accepted:
            return None
        message = outbox.lock_message(session, outbox_id)
        outbox.advance(message, ACCEPTED, provider_id=accepted[0].message_id,
                       sent_at=outbox.now())
        return ACCEPTED


def send_push(outbox_id: int) -> str:
    message, devices = _claim(outbox_id)
    if message is None:
        return "skipped"
    sender = fcm_sender()
    if not devices or sender is None:
        return _fall_back(outbox_id, "no_device" if devices == [] else "no_provider")
    payload = message.payload
    results = sender.send_batch([
        PushMessage(token=token, title=payload["title"], body=payload["body"],
                    data=payload.get("data", {}), language=language)
        for token, language in devices])
    if _record(outbox_id, results) is not None:
        return ACCEPTED
    job = get_current_job()
    if any(r.outcome == "retry" for r in results) and job is not None and job.retries_left:
        raise RetryablePushError(f"outbox {outbox_id}: FCM asked us to retry")
    return _fall_back(outbox_id, results[0].error_code or "push_failed")
