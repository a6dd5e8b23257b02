"""Use per channel, recorded for the public performance dashboard."""
from __future__ import annotations

from sqlalchemy.orm import Session

from core.models import UsageEvent

EVENTS = ("request_submitted", "status_checked", "complaint_filed", "service_viewed",
          "service_searched")
CHANNELS = ("app", "web", "sms", "ussd", "open311", "office")


def record(session: Session, event: str, channel: str, *, service_code: str | None = None,
           agency_code: str | None = None) -> None:
    session.add(UsageEvent(event=event, channel=channel, service_code=service_code,
                           agency_code=agency_code))
