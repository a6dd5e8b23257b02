"""POST /sms/twilio/inbound: Twilio's messaging webhook.

Order matters: verify the signature (else 403, nothing stored); store the message, deduped by
MessageSid (a retry of the same message gets the stored reply and changes nothing); work out
the reply; keep it; answer with TwiML in the sender's language."""
from __future__ import annotations

import logging

import phonenumbers
from flask import Blueprint, Response, request
from sqlalchemy import select
from twilio.twiml.messaging_response import MessagingResponse

from core import keypad
from core.db import transaction
from core.errors import Forbidden
from core.models import InboundMessage
from core.phones import parse_phone
from core.redis_conn import get_redis
from core.times import utcnow
from i18n.catalogs import DEFAULT, t
from sms_gateway.commands import Command, parse
from sms_gateway.replies import fit, reply_for
from sms_gateway.signature import is_signed_by_twilio

log = logging.getLogger(__name__)

bp = Blueprint("twilio_inbound", __name__, url_prefix="/sms/twilio")

WINDOW_SECONDS = 5 * 60
NORMAL_REPLIES = 8  # per number per window; one polite warning after, then silence
SILENT = ""


def twiml(text: str) -> Response:
    response = MessagingResponse()
    if text:
        response.message(text)
    return Response(str(response), mimetype="text/xml")


def _store(sid: str, sender: str, body: str) -> InboundMessage:
    """The stored message (the existing one for a retried MessageSid)."""
    with transaction() as session:
        message = session.scalar(select(InboundMessage).where(InboundMessage.provider_id == sid))
        if message is None:
            message = InboundMessage(provider_id=sid, sender=sender, body=body[:5000],
                                     recipient=request.form.get("To"))
            session.add(message)
            session.flush()
        return message


def _language(sender: str, cmd: Command) -> str:
    return cmd.language if cmd.name not in ("UNKNOWN", "EMPTY") and cmd.language else (
        keypad.language_of(sender) or cmd.language or DEFAULT)


def _throttled_reply(sender: str, lang: str) -> str | None:
    """Loop and abuse protection: None = answer normally."""
    key = f"sms:replies:{sender}"
    redis = get_redis()
    count = redis.incr(key)
    if count == 1:  # the window starts at the first message (EXPIRE NX needs Redis 7)
        redis.expire(key, WINDOW_SECONDS)
    if count <= NORMAL_REPLIES:
        return None
    if count == NORMAL_REPLIES + 1:
        return fit(t(lang, "You are sending many messages. Please wait a few minutes."), lang)
    return SILENT  # an auto-responder loop, or abuse: stop answering for the window


def _answer(message: InboundMessage) -> str:
    cmd = parse(message.body)
    lang = _language(message.sender, cmd)
    reply = _throttled_reply(message.sender, lang)
    if reply is None:
        reply = reply_for(message.sender, cmd, lang)
    with transaction() as session:
        row = session.get(InboundMessage, message.id)
        row.command, row.language, row.reply, row.replied_at = cmd.name, lang, reply, utcnow()
    return reply


@bp.post("/inbound")
def inbound() -> Response:
    if not is_signed_by_twilio(request):
        raise Forbidden()
    sid, sender = request.form.get("MessageSid", ""), request.form.get("From", "")
    number = parse_phone(sender)
    if not sid or number is None:
        return twiml(SILENT)  # nothing we could answer; Twilio must not retry
    sender = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    message = _store(sid[:64], sender, request.form.get("Body", ""))
    if message.reply is not None:
        return twiml(message.reply)  # a retry of a message already answered
    return twiml(_answer(message))


@bp.errorhandler(Exception)
def _failed(exc: Exception) -> Response:
    """Twilio must never see a 5xx: forged requests get 403, anything else an apology."""
    if isinstance(exc, Forbidden):
        return Response("Forbidden", status=403, mimetype="text/plain")
    log.exception("inbound sms failed")
    return twiml(t(DEFAULT, "Sorry, something went wrong. Please try again later."))
