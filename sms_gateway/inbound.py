"""POST /sms/twilio/inbound: Twilio's messaging webhook.

Order matters: verify the signature (else 403, nothing stored); store the message, deduped by
MessageSid (a retry of the same message gets the stored reply and changes nothing); work out
the reply; keep it; answer with TwiML in the sender's language."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, cast

import phonenumbers
from flask import Blueprint, Response, request
from sqlalchemy import Table, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from twilio.twiml.messaging_response import MessagingResponse

from core.db import transaction
from core.errors import Forbidden
from core.models import Citizen, InboundMessage
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


@dataclass(frozen=True)
class Stored:
    id: int
    sender: str
    body: str
    reply: str | None  # set when this MessageSid was answered before
    saved_language: str | None  # the sender's saved language, if they have one


_MESSAGES = cast(Table, InboundMessage.__table__)


def _store(sid: str, sender: str, body: str) -> Stored:
    """Store the message (or find it again for a retried MessageSid) and read the sender's
    language, in one short transaction."""
    with transaction() as session:
        new_id = session.execute(_insert_new(session), {
            "provider_id": sid, "sender": sender, "body": body[:5000], "channel": "sms",
            "recipient": request.form.get("To"), "received_at": utcnow()}).scalar()
        reply = None
        if new_id is None:
            new_id, reply = session.execute(select(_MESSAGES.c.id, _MESSAGES.c.reply).where(
                _MESSAGES.c.provider_id == sid)).one()
        language = session.scalar(select(Citizen.language).where(Citizen.phone == sender))
    return Stored(new_id, sender, body[:5000], reply, language)


_INSERTS = {name: module.insert(_MESSAGES).on_conflict_do_nothing().returning(_MESSAGES.c.id)
            for name, module in (("postgresql", postgresql), ("sqlite", sqlite))}


def _insert_new(session: Session) -> Any:
    return _INSERTS[session.get_bind().dialect.name]


def _language(message: Stored, cmd: Command) -> str:
    if cmd.name not in ("UNKNOWN", "EMPTY") and cmd.language:
        return cmd.language
    return message.saved_language or cmd.language or DEFAULT


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


def _answer(message: Stored) -> str:
    cmd = parse(message.body)
    lang = _language(message, cmd)
    reply = _throttled_reply(message.sender, lang)
    if reply is None:
        reply = reply_for(message.sender, cmd, lang)
    with transaction() as session:  # kept, so a retry of this MessageSid gets the same answer
        session.execute(update(_MESSAGES).where(_MESSAGES.c.id == message.id).values(
            command=cmd.name, language=lang, reply=reply, replied_at=utcnow()))
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
