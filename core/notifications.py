"""Telling a citizen that something changed: push to their devices when they have any,
SMS otherwise; always in their language, always through the outbox."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import outbox
from core.models import Citizen, Device
from core.phones import is_mobile
from i18n.catalogs import t


def notify_citizen(session: Session, citizen: Citizen, *, title: str, body: str,
                   data: dict[str, str], params: dict[str, object],
                   dedupe_key: str | None = None) -> None:
    """`title`/`body` are msgids, translated here into the citizen's language."""
    lang = citizen.language or "ar"
    text_title, text_body = t(lang, title, **params), t(lang, body, **params)
    has_device = session.scalar(select(Device.id).where(Device.citizen_id == citizen.id)
                                .limit(1)) is not None
    if has_device:
        # The push sender reaches every device and falls back to SMS if none accepts it.
        outbox.add_message(session, channel="push", kind="transactional",
                           recipient=f"citizen:{citizen.id}", language=lang,
                           payload={"title": text_title, "body": text_body, "data": data,
                                    "sms_fallback": f"{text_title}: {text_body}"},
                           citizen_id=citizen.id, dedupe_key=dedupe_key)
    elif is_mobile(citizen.phone):
        outbox.add_sms(session, to=citizen.phone, body=f"{text_title}: {text_body}",
                       kind="transactional", language=lang, citizen_id=citizen.id,
                       dedupe_key=dedupe_key)
