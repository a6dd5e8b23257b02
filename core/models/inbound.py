"""Messages that came in (SMS), stored before they are answered; the reply is kept so a
provider's retry of the same message gets the same answer and changes nothing."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base


class InboundMessage(Base):
    __tablename__ = "inbound_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), default="sms")
    provider_id: Mapped[str] = mapped_column(String(64), unique=True)  # Twilio MessageSid
    sender: Mapped[str] = mapped_column(String(32), index=True)
    recipient: Mapped[str | None] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    command: Mapped[str | None] = mapped_column(String(16))
    language: Mapped[str | None] = mapped_column(String(8))
    reply: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now())
    replied_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
