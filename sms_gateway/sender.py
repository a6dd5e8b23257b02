"""The RQ job that hands one outbox SMS to Twilio.

It re-reads the row and acts only if it is still pending, so duplicate jobs are harmless.
The one window for a duplicate SMS is between Twilio accepting the message and our commit
of its SID (a crash or timeout there looks like a failure and the message is sent again);
Twilio's Messages API has no idempotency key to close it.
"""
from __future__ import annotations

import functools
import logging

from rq import get_current_job
from sqlalchemy.orm import Session
from twilio.rest import Client

from core import outbox
from core.config import Settings, get_settings
from core.db import transaction
from core.models.outbox import FAILED, NO_PROVIDER, OPTED_OUT, SENDING, OutboxMessage
from core.send_rate import wait_for_slot
from sms_gateway import segments
from sms_gateway.twilio_client import TwilioFailure, classify_twilio_error, make_twilio_client

log = logging.getLogger(__name__)

STATUS_CALLBACK_PATH = "/sms/twilio/status"


class RetryableSendError(Exception):
    """Raised so that RQ's Retry schedules another attempt."""


@functools.cache
def _client(account_sid: str, auth_token: str, api_base: str) -> Client:
    return make_twilio_client(account_sid, auth_token, api_base=api_base, timeout=10.0)


def twilio_client(settings: Settings) -> Client:
    return _client(settings.twilio_account_sid, settings.twilio_auth_token,
                   settings.twilio_api_base)


def _create_params(message: OutboxMessage, settings: Settings) -> dict[str, str]:
    params = {"to": message.recipient, "body": message.payload["body"],
              "status_callback": settings.public_base_url + STATUS_CALLBACK_PATH}
    if settings.twilio_messaging_service_sid:
        params["messaging_service_sid"] = settings.twilio_messaging_service_sid
    else:
        params["from_"] = settings.twilio_from
    return params


def _blocked_status(session: Session, message: OutboxMessage) -> str | None:
    """Why this message must not go out, if it must not."""
    provider_only = message.kind != "campaign"  # STOP silences campaigns, not transactions
    if outbox.is_opted_out(session, message.recipient, provider_only=provider_only):
        return OPTED_OUT
    if not get_settings().twilio_configured:
        return NO_PROVIDER
    return None


def _finish(outbox_id: int, status: str, **changes: object) -> None:
    with transaction() as session:
        message = outbox.lock_message(session, outbox_id)
        if message is not None:
            outbox.advance(message, status, **changes)


def _claim(outbox_id: int) -> tuple[OutboxMessage | None, str | None]:
    """The pending row (attempt counted) and, if it must not be sent, the status to record."""
    with transaction() as session:
        message = outbox.lock_message(session, outbox_id)
        if message is None or message.status != outbox.PENDING:
            return None, None
        blocked = _blocked_status(session, message)
        if blocked is not None:
            outbox.advance(message, blocked)
        else:
            message.attempts += 1
        return message, blocked


def _retries_left() -> int:
    job = get_current_job()
    return (job.retries_left or 0) if job is not None else 0


def _handle_failure(message: OutboxMessage, failure: TwilioFailure) -> None:
    code = str(failure.code) if failure.code else failure.reason
    if failure.reason == "opted_out":
        with transaction() as session:
            outbox.opt_out(session, message.recipient, source="provider")
    if failure.kind == "retry" and _retries_left() > 0:
        with transaction() as session:
            row = outbox.lock_message(session, message.id)
            if row is not None:
                row.error_code, row.error_message = code, failure.message[:500]
        raise RetryableSendError(f"outbox {message.id}: {failure.reason or failure.code}")
    _finish(message.id, FAILED, error_code=code, error_message=failure.message[:500])
    log.warning("sms failed", extra={"outbox_id": message.id, "error_code": code})


def send_sms(outbox_id: int) -> str:
    message, blocked = _claim(outbox_id)
    if message is None:
        return "skipped"  # already sent, final, or gone: duplicate jobs do nothing
    if blocked is not None:
        if blocked == NO_PROVIDER:
            log.warning("sms kept in the outbox: no provider configured",
                     extra={"outbox_id": outbox_id, "kind": message.kind})
        return blocked
    settings = get_settings()
    info = segments.count(message.payload["body"])
    wait_for_slot("twilio", settings.twilio_mps)
    try:
        sent = twilio_client(settings).messages.create(**_create_params(message, settings))
    except Exception as exc:  # classified: retried, or recorded as permanent
        _handle_failure(message, classify_twilio_error(exc))
        return FAILED
    _finish(outbox_id, SENDING, provider_id=sent.sid, segments=info.segments,
            encoding=info.encoding, sent_at=outbox.now(), error_code=None, error_message=None)
    return SENDING
