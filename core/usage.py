"""Use per channel, recorded for the public performance dashboard."""
from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.orm import Session

from core.models import UsageEvent
from core.times import utcnow

EVENTS = ("request_submitted", "status_checked", "complaint_filed", "service_viewed",
          "service_searched")
CHANNELS = ("app", "web", "sms", "ussd", "open311", "office")


_INSERT = insert(UsageEvent)


def record(session: Session, event: str, channel: str, *, service_code: str | None = None,
           agency_code: str | None = None) -> None:
    session.execute(_INSERT, {"event": event, "channel": channel, "service_code": service_code,
                              "agency_code": agency_code, "at": utcnow()})
