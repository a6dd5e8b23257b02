"""A citizen's push devices and the agencies whose campaigns they follow."""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.errors import Msg, NotFound, ValidationFailed, invalid
from core.models import Agency, Device, Subscription
from core.queues import get_queue
from core.times import utcnow
from i18n.catalogs import N_, SUPPORTED

PLATFORMS = ("android", "ios", "web")
MAX_TOKEN = 4096


def _device_fields(body: Any, default_lang: str) -> tuple[str, str, str]:
    if not isinstance(body, dict):
        raise ValidationFailed(N_("Send a JSON object."))
    errors: dict[str, Msg] = {}
    token, platform = body.get("token"), body.get("platform")
    language = body.get("language") or default_lang
    if not isinstance(token, str) or not token.strip() or len(token) > MAX_TOKEN:
        errors["token"] = Msg(N_("This field is required."))
    if platform not in PLATFORMS:
        errors["platform"] = Msg(N_("Must be one of: %(choices)s."),
                                 {"choices": ", ".join(PLATFORMS)})
    if language not in SUPPORTED:
        errors["language"] = Msg(N_("Must be one of: %(choices)s."),
                                 {"choices": ", ".join(SUPPORTED)})
    if errors or not isinstance(token, str) or not isinstance(platform, str):
        raise ValidationFailed(fields=errors)
    return token.strip(), platform, str(language)


def register_device(session: Session, citizen_id: int, body: Any,
                    default_lang: str) -> tuple[Device, bool]:
    """Idempotent: the same token again updates it (and may move it to this citizen,
    as when a phone changes hands)."""
    token, platform, language = _device_fields(body, default_lang)
    device = session.scalar(select(Device).where(Device.token == token).with_for_update())
    created = device is None
    if device is None:
        device = Device(token=token)
        session.add(device)
    device.citizen_id, device.platform, device.language = citizen_id, platform, language
    device.last_seen_at = utcnow()
    session.flush()
    return device, created


def remove_device(session: Session, citizen_id: int, token: str) -> list[str]:
    """Delete the device; returns the FCM topics it was in, to unsubscribe it from."""
    device = session.scalar(select(Device).where(Device.token == token))
    if device is None or device.citizen_id != citizen_id:
        raise NotFound()
    topics = list(device.topics or [])
    session.delete(device)
    return topics


def set_subscriptions(session: Session, citizen_id: int, body: Any) -> list[str]:
    """Replace the followed agencies (PUT); with body None, just list them."""
    if body is not None:
        codes = body.get("agencies") if isinstance(body, dict) else None
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise invalid("agencies", N_("Give a list of agency codes."))
        wanted = {c.upper() for c in codes}
        rows = session.execute(select(Agency.id, Agency.code).where(Agency.code.in_(wanted)))
        found = dict((code, agency_id) for agency_id, code in rows)
        unknown = sorted(wanted - set(found))
        if unknown:
            raise invalid("agencies", N_("Unknown agency: %(codes)s."), codes=", ".join(unknown))
        session.execute(delete(Subscription).where(Subscription.citizen_id == citizen_id))
        session.add_all(Subscription(citizen_id=citizen_id, agency_id=a) for a in found.values())
        session.flush()
    return sorted(session.scalars(select(Agency.code).join(
        Subscription, Subscription.agency_id == Agency.id).where(
        Subscription.citizen_id == citizen_id)))


def request_topic_sync(citizen_id: int) -> None:
    """After follows or devices change; the push channel's job does the FCM calls."""
    get_queue("push").enqueue("push.topics.sync_citizen", citizen_id, job_timeout=120)


def request_topic_removal(token: str, topics: list[str]) -> None:
    """A removed device leaves its topics (the token may still be alive on the phone)."""
    if topics:
        get_queue("push").enqueue("push.topics.unsubscribe_token", token, topics,
                                  job_timeout=120)
