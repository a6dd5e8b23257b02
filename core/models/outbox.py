"""Everything that leaves the building: one row per outbound SMS, push or webhook.

The row is the truth; the queue only carries its id (GOV.UK Notify's pattern).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, Index, Integer, SmallInteger, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, JSONType

CHANNELS = ("sms", "push", "webhook")
KINDS = ("otp", "transactional", "campaign", "reply")

PENDING = "pending"        # written, waiting for a worker to hand it to the provider
SENDING = "sending"        # the provider accepted it; waiting for a delivery receipt
SENT = "sent"              # the provider passed it to the carrier (not yet final)
DELIVERED = "delivered"
UNDELIVERED = "undelivered"
FAILED = "failed"          # permanent provider error, or retries exhausted
NO_PROVIDER = "no_provider"  # no credentials configured: kept and logged, never dropped
OPTED_OUT = "opted_out"    # the recipient said STOP (campaigns) or the provider blocks them
TIMED_OUT = "timed_out"    # no final receipt within 72 hours
CANCELLED = "cancelled"
ACCEPTED = "accepted"      # push: FCM took it; FCM sends no delivery receipts to servers
FELL_BACK = "fell_back"    # push: no device took it, so an SMS went instead

FINAL = frozenset({DELIVERED, UNDELIVERED, FAILED, NO_PROVIDER, OPTED_OUT, TIMED_OUT, CANCELLED,
                   ACCEPTED, FELL_BACK})
# Receipts arrive out of order; a status only ever moves forward along this order.
PROGRESS = {PENDING: 0, SENDING: 1, SENT: 2, **{status: 3 for status in FINAL}}


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_created", "status", "created_at"),
        Index("ix_outbox_provider_id", "provider_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(512))
    language: Mapped[str] = mapped_column(String(8), default="ar")
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    provider_id: Mapped[str | None] = mapped_column(String(64))
    error_code: Mapped[str | None] = mapped_column(String(32))
    error_message: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    segments: Mapped[int | None] = mapped_column(SmallInteger)
    encoding: Mapped[str | None] = mapped_column(String(8))
    citizen_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # Deduplicates business events, e.g. "campaign:12:citizen:7" or an Idempotency-Key.
    dedupe_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now())
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def is_final(self) -> bool:
        return self.status in FINAL

    @property
    def job_id(self) -> str:
        return f"outbox-{self.id}"


class SmsOptOut(Base):
    """Numbers that asked for no campaign SMS (STOP), or that the provider blocks (21610)."""

    __tablename__ = "sms_opt_outs"
    phone: Mapped[str] = mapped_column(String(20), primary_key=True)
    source: Mapped[str] = mapped_column(String(16))  # "keyword" | "provider"
    provider_blocked: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now())
