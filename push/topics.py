"""FCM topics kept in step with who follows which agency: each device is subscribed to
`agency-<code>-<language>` for every agency its citizen follows, in its own language.

Jobs compare what a device should be in with what we last subscribed it to (`devices.topics`)
and send only the difference, in batches of 1,000 through firebase-admin. The jobs are
enqueued by core.devices when follows or devices change."""
from __future__ import annotations

import logging
from collections import defaultdict

from sqlalchemy import select

from core.db import transaction
from core.models import Agency, Device, Subscription
from push.provider import fcm_sender

log = logging.getLogger(__name__)


def topic_for(agency_code: str, language: str) -> str:
    return f"agency-{agency_code.lower()}-{language}"


def _wanted(session, citizen_id: int) -> tuple[list[Device], list[str]]:  # type: ignore[no-untyped-def]
    devices = list(session.scalars(select(Device).where(Device.citizen_id == citizen_id)))
    codes = list(session.scalars(select(Agency.code).join(
        Subscription, Subscription.agency_id == Agency.id).where(
        Subscription.citizen_id == citizen_id)))
    return devices, codes


def sync_citizen(citizen_id: int) -> dict[str, int]:
    sender = fcm_sender()
    if sender is None:
        return {"subscribed": 0, "unsubscribed": 0}  # no Firebase configured: nothing to sync
    with transaction() as session:
        devices, codes = _wanted(session, citizen_id)
        add: dict[str, list[str]] = defaultdict(list)
        remove: dict[str, list[str]] = defaultdict(list)
        for device in devices:
            wanted = {topic_for(code, device.language) for code in codes}
            for topic in wanted - set(device.topics or ()):
                add[topic].append(device.token)
            for topic in set(device.topics or ()) - wanted:
                remove[topic].append(device.token)
            device.topics = sorted(wanted)
    failed = _apply(sender.subscribe, add) + _apply(sender.unsubscribe, remove)
    if failed:
        log.warning("topic sync left failures", extra={"citizen_id": citizen_id,
                                                      "failed": failed})
    return {"subscribed": sum(map(len, add.values())),
            "unsubscribed": sum(map(len, remove.values()))}


def _apply(call, changes: dict[str, list[str]]) -> int:  # type: ignore[no-untyped-def]
    return sum(len(call(tokens, topic)) for topic, tokens in changes.items())


def unsubscribe_token(token: str, topics: list[str]) -> int:
    sender = fcm_sender()
    if sender is None:
        return 0
    return sum(len(sender.unsubscribe([token], topic)) for topic in topics)
