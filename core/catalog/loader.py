"""Load a catalogue file: validate everything first, then upsert by code in one transaction.

A bad file is rejected whole, with the path of every problem; nothing is half-loaded.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.catalog.schema import reference_problems, schema_problems
from core.config import REPO_ROOT
from core.db import transaction
from core.models import Agency, CatalogMeta, Category, Office, Service

DEMO_CATALOG = REPO_ROOT / "core" / "catalog_data" / "qatar_demo.json"

Progress = Callable[[str, int, int], None]


class CatalogInvalid(Exception):
    def __init__(self, problems: list[str]):
        super().__init__(f"{len(problems)} problem(s) in the catalogue file")
        self.problems = problems


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    version: int = 0


def read_catalog_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogInvalid([f"{path}: cannot read: {exc}"]) from exc
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CatalogInvalid([f"{path}: line {exc.lineno} column {exc.colno}: {exc.msg}"]) from exc
    if not isinstance(doc, dict):
        raise CatalogInvalid(["$: the catalogue must be a JSON object"])
    return doc


def _known_codes(session: Session) -> dict[str, set[str]]:
    return {
        "agencies": set(session.scalars(select(Agency.code))),
        "categories": set(session.scalars(select(Category.code))),
        "offices": set(session.scalars(select(Office.code))),
    }


def _number_problems(session: Session, services: list[dict[str, Any]]) -> list[str]:
    """A number must stay unique once the file is merged with what the database holds."""
    owner = {num: code for code, num in session.execute(select(Service.code, Service.number))}
    incoming = {svc["code"] for svc in services}
    owner = {num: code for num, code in owner.items() if code not in incoming}
    return [f"services[{i}].number: {svc['number']} already belongs to service "
            f"{owner[svc['number']]!r}" for i, svc in enumerate(services) if svc["number"] in owner]


def validate(session: Session, doc: dict[str, Any]) -> None:
    problems = schema_problems(doc)
    if not problems:
        problems = reference_problems(doc, _known_codes(session))
        problems += _number_problems(session, doc.get("services", []))
    if problems:
        raise CatalogInvalid(problems)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _upsert(session: Session, model: type, code: str, values: dict[str, Any],
            existing: dict[str, Any], report: LoadReport, kind: str) -> Any:
    row: Any = existing.get(code)
    if row is None:
        row = model(code=code)
        session.add(row)
        existing[code] = row
        report.created[kind] = report.created.get(kind, 0) + 1
    else:
        report.updated[kind] = report.updated.get(kind, 0) + 1
    for key, value in values.items():
        setattr(row, key, value)
    return row


def _service_values(svc: dict[str, Any], agencies: dict, categories: dict) -> dict[str, Any]:
    fee = svc.get("fee_qar")
    return {
        "number": svc["number"], "level": svc["level"], "name": svc["name"],
        "agency": agencies[svc["agency"]], "category": categories[svc["category"]],
        "description": svc.get("description") or {"ar": "", "en": ""},
        "keywords": svc.get("keywords") or {}, "fee_note": svc.get("fee_note") or {},
        "fee_qar": None if fee is None else Decimal(str(fee)),
        "required_documents": svc.get("required_documents") or [],
        "forms": svc.get("forms") or [], "processing_days": svc.get("processing_days"),
        "delivery_available": bool(svc.get("delivery_available", False)),
        "channels": svc.get("channels") or [], "fields": svc.get("fields") or [],
        "planned_launch": _date(svc.get("planned_launch")),
        "launched_on": _date(svc.get("launched_on")),
    }


def _by_code(session: Session, model: type) -> dict[str, Any]:
    rows: list[Any] = list(session.scalars(select(model)))
    return {row.code: row for row in rows}


def _apply(session: Session, doc: dict[str, Any], report: LoadReport, progress: Progress) -> None:
    agencies, categories = _by_code(session, Agency), _by_code(session, Category)
    offices, services = _by_code(session, Office), _by_code(session, Service)
    for a in doc.get("agencies", []):
        values = {"name": a["name"], "hotline": a.get("hotline"), "website": a.get("website"),
                  "former_names": a.get("former_names", [])}
        _upsert(session, Agency, a["code"], values, agencies, report, "agencies")
    for c in doc.get("categories", []):
        _upsert(session, Category, c["code"], {"name": c["name"]}, categories, report, "categories")
    for o in doc.get("offices", []):
        values = {"agency": agencies[o["agency"]], "name": o["name"], "lat": o["lat"],
                  "lng": o["lng"], "address": o.get("address") or {"ar": "", "en": ""},
                  "opening_hours": o.get("opening_hours"),
                  "municipality": o.get("municipality"), "zone": o.get("zone")}
        _upsert(session, Office, o["code"], values, offices, report, "offices")
    session.flush()
    items = doc.get("services", [])
    # Free changed numbers first so two services may swap numbers within one file.
    for svc in items:
        row = services.get(svc["code"])
        if row is not None and row.number != svc["number"]:
            row.number = -row.id
    session.flush()
    for i, svc in enumerate(items, 1):
        row = _upsert(session, Service, svc["code"], _service_values(svc, agencies, categories),
                      services, report, "services")
        row.offices = [offices[code] for code in svc.get("offices", [])]
        if i % 500 == 0 or i == len(items):
            session.flush()
            progress("services", i, len(items))


def bump_version(session: Session, source: str) -> int:
    meta = session.get(CatalogMeta, 1)
    if meta is None:
        meta = CatalogMeta(id=1, version=0)
        session.add(meta)
    meta.version = (meta.version or 0) + 1
    meta.loaded_at = dt.datetime.now(dt.UTC)
    meta.source = source
    return meta.version


def load_catalog(path: Path | None = None, progress: Progress | None = None) -> LoadReport:
    """Validate and upsert; raises CatalogInvalid (nothing written) on any problem."""
    path = path or DEMO_CATALOG
    doc = read_catalog_file(path)
    report = LoadReport()
    with transaction() as session:
        validate(session, doc)
        _apply(session, doc, report, progress or (lambda *_: None))
        report.version = bump_version(session, str(path))
    return report
