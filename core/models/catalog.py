"""The service catalogue: agencies, categories, offices and services.

Translatable texts are stored as {"ar": ..., "en": ...} JSON values, exactly as the catalogue
file carries them, so a new language is a data change, not a migration.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Base, JSONType

Texts = dict[str, str]

service_offices = Table(
    "service_offices",
    Base.metadata,
    Column("service_id", ForeignKey("services.id", ondelete="CASCADE"), primary_key=True),
    Column("office_id", ForeignKey("offices.id", ondelete="CASCADE"), primary_key=True),
)


class Agency(Base):
    __tablename__ = "agencies"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[Texts] = mapped_column(JSONType)
    former_names: Mapped[list[Texts]] = mapped_column(JSONType, default=list)
    hotline: Mapped[str | None] = mapped_column(String(32))
    website: Mapped[str | None] = mapped_column(String(300))


class Category(Base):
    __tablename__ = "categories"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(48), unique=True)
    name: Mapped[Texts] = mapped_column(JSONType)


class Office(Base):
    __tablename__ = "offices"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(48), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    name: Mapped[Texts] = mapped_column(JSONType)
    address: Mapped[Texts] = mapped_column(JSONType)
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)
    opening_hours: Mapped[str | None] = mapped_column(String(120))
    municipality: Mapped[str | None] = mapped_column(String(64))
    zone: Mapped[int | None] = mapped_column(SmallInteger)
    agency: Mapped[Agency] = relationship()


class Service(Base):
    __tablename__ = "services"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 4", name="level_1_to_4"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(48), unique=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    level: Mapped[int] = mapped_column(SmallInteger)
    name: Mapped[Texts] = mapped_column(JSONType)
    description: Mapped[Texts] = mapped_column(JSONType)
    keywords: Mapped[dict[str, list[str]]] = mapped_column(JSONType, default=dict)
    fee_qar: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    fee_note: Mapped[Texts] = mapped_column(JSONType, default=dict)
    required_documents: Mapped[list[Texts]] = mapped_column(JSONType, default=list)
    forms: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    processing_days: Mapped[int | None] = mapped_column(Integer)
    delivery_available: Mapped[bool] = mapped_column(Boolean, default=False)
    channels: Mapped[list[str]] = mapped_column(JSONType, default=list)
    planned_launch: Mapped[dt.date | None] = mapped_column(Date)
    launched_on: Mapped[dt.date | None] = mapped_column(Date)
    fields: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    agency: Mapped[Agency] = relationship()
    category: Mapped[Category] = relationship()
    offices: Mapped[list[Office]] = relationship(secondary=service_offices, order_by=Office.code)


class CatalogMeta(Base):
    """One row: bumped on every catalogue load so running processes know to refresh."""

    __tablename__ = "catalog_meta"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    loaded_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now())
    source: Mapped[str | None] = mapped_column(Text)
