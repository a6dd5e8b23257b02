"""Agency campaigns and their per-citizen deliveries (one row per campaign and citizen, so
nobody gets a campaign twice, whatever crashes or restarts)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, JSONType
from core.models.catalog import Agency


class Campaign(Base):
    __tablename__ = "campaigns"
    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    title: Mapped[dict[str, str]] = mapped_column(JSONType)
    body: Mapped[dict[str, str]] = mapped_column(JSONType)
    audience: Mapped[dict[str, Any]] = mapped_column(JSONType)
    deep_link: Mapped[str | None] = mapped_column(String(500))
    sms_fallback: Mapped[bool] = mapped_column(Boolean, default=False)
    send_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16), index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    # Allowed sending window in Asia/Qatar local time ("08:00", "21:00").
    window_start: Mapped[str] = mapped_column(String(5), default="08:00")
    window_end: Mapped[str] = mapped_column(String(5), default="21:00")
    rate_per_second: Mapped[int] = mapped_column(Integer, default=500)
    cursor: Mapped[int] = mapped_column(Integer, default=0)  # last citizen id handled
    targeted: Mapped[int] = mapped_column(Integer, default=0)
    sent: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    pruned: Mapped[int] = mapped_column(Integer, default=0)
    sms_fallback_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now())
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    agency: Mapped[Agency] = relationship()


class CampaignDelivery(Base):
    __tablename__ = "campaign_deliveries"
    __table_args__ = (UniqueConstraint("campaign_id", "citizen_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"),
                                             index=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(8))  # push | sms | none
    status: Mapped[str] = mapped_column(String(16))  # pending | sent | failed | skipped
    detail: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now())
