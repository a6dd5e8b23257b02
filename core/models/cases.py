"""Cases: service requests and complaints, which share one 10-digit reference space."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, JSONType
from core.models.catalog import Agency, Service
from core.models.citizens import Citizen


class CaseReference(Base):
    """Every issued reference, whatever it names: one table makes them unique across kinds."""

    __tablename__ = "case_references"
    reference: Mapped[str] = mapped_column(String(10), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # request | complaint


class ServiceRequest(Base):
    __tablename__ = "service_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(ForeignKey("case_references.reference"), unique=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), index=True)
    service_code: Mapped[str] = mapped_column(String(48))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    fields: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # The citizen's view of the request (history and documents, language-neutral), kept up
    # to date on every write so that reading a request is one indexed row.
    view_data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    delivery: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    channel: Mapped[str] = mapped_column(String(16), default="app")
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now())
    citizen: Mapped[Citizen] = relationship()
    service: Mapped[Service] = relationship()
    agency: Mapped[Agency] = relationship()
    history: Mapped[list[RequestEvent]] = relationship(
        order_by="RequestEvent.id", cascade="all, delete-orphan")
    documents: Mapped[list[RequestDocument]] = relationship(
        order_by="RequestDocument.id", cascade="all, delete-orphan")


class RequestEvent(Base):
    """One row per status change: who, when, and a note in both languages."""

    __tablename__ = "request_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_requests.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[dict[str, str] | None] = mapped_column(JSONType)
    actor: Mapped[str] = mapped_column(String(64))  # citizen:1 | staff:2 | api_key:3
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class RequestDocument(Base):
    __tablename__ = "request_documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("service_requests.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now())


class Complaint(Base):
    __tablename__ = "complaints"
    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(ForeignKey("case_references.reference"), unique=True)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"), index=True)
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # complaint | inquiry | suggestion
    text: Mapped[str] = mapped_column(Text)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(String(255))
    # Answers to the service's form (Open311 attributes) and contact details given with it.
    attributes: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    contact: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    media_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(16), index=True)
    channel: Mapped[str] = mapped_column(String(16))  # app | sms | ussd | open311
    language: Mapped[str] = mapped_column(String(8), default="ar")
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now())
    agency: Mapped[Agency | None] = relationship()
    service: Mapped[Service | None] = relationship()
    messages: Mapped[list[ComplaintMessage]] = relationship(
        order_by="ComplaintMessage.id", cascade="all, delete-orphan")


class ComplaintMessage(Base):
    __tablename__ = "complaint_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(
        ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(16))  # citizen | agency
    actor: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class IdempotencyRecord(Base):
    """The first response to a create call, replayed for the same Idempotency-Key."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("scope", "key"),)  # one record per caller and key
    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(64))  # caller identity
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))  # method, path and body hash
    status: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now())


class UsageEvent(Base):
    """Use per channel for the performance dashboard: submitted, status checked, filed."""

    __tablename__ = "usage_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    event: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(16))
    service_code: Mapped[str | None] = mapped_column(String(48))
    agency_code: Mapped[str | None] = mapped_column(String(32))
    at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True)
