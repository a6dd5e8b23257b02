"""The catalogue file format (CONTRACT §0) as a JSON Schema, plus the cross-record checks
(unique codes and numbers, references between records) that a schema cannot express.

Agencies publish their catalogues in this format, so it only ever grows optional fields.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

from jsonschema import Draft202012Validator

LANGS = ("ar", "en")
DATATYPES = ("string", "text", "number", "date", "singlevaluelist", "multivaluelist")
CHANNELS = ("app", "web", "sms", "ussd", "office")

_TEXTS = {
    "type": "object",
    "required": list(LANGS),
    "properties": {lang: {"type": "string", "minLength": 1, "maxLength": 4000} for lang in LANGS},
}
_OPTIONAL_TEXTS = {"type": "object", "properties": {lang: {"type": "string"} for lang in LANGS}}
_CODE = {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,47}$"}
_DATE = {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_URL = {"type": "string", "pattern": r"^https?://\S+$", "maxLength": 300}

_FIELD = {
    "type": "object",
    "required": ["code", "label", "datatype", "required"],
    "properties": {
        "code": {"type": "string", "pattern": r"^[a-z][a-z0-9_]{0,63}$"},
        "label": _TEXTS,
        "datatype": {"enum": list(DATATYPES)},
        "required": {"type": "boolean"},
        "description": _OPTIONAL_TEXTS,
        "values": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key", "name"],
                "properties": {"key": {"type": "string", "minLength": 1}, "name": _TEXTS},
            },
        },
    },
    "if": {"properties": {"datatype": {"enum": ["singlevaluelist", "multivaluelist"]}}},
    "then": {"required": ["values"], "properties": {"values": {"minItems": 1}}},
}

_SERVICE = {
    "type": "object",
    "required": ["code", "number", "agency", "category", "level", "name"],
    "properties": {
        "code": _CODE,
        "number": {"type": "integer", "minimum": 1, "maximum": 99999999},
        "agency": _CODE,
        "category": _CODE,
        "level": {"enum": [1, 2, 3, 4]},
        "name": _TEXTS,
        "description": _TEXTS,
        "keywords": {
            "type": "object",
            "properties": {lang: {"type": "array", "items": {"type": "string"}} for lang in LANGS},
        },
        "fee_qar": {"type": ["number", "null"], "minimum": 0},
        "fee_note": _OPTIONAL_TEXTS,
        "required_documents": {"type": "array", "items": _TEXTS},
        "forms": {
            "type": "array",
            "items": {"type": "object", "required": ["name", "url"],
                      "properties": {"name": _TEXTS, "url": _URL}},
        },
        "processing_days": {"type": ["integer", "null"], "minimum": 0},
        "delivery_available": {"type": "boolean"},
        "channels": {"type": "array", "items": {"enum": list(CHANNELS)}, "uniqueItems": True},
        "planned_launch": _DATE,
        "launched_on": _DATE,
        "offices": {"type": "array", "items": _CODE},
        "fields": {"type": "array", "items": _FIELD},
    },
}

CATALOG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "agencies": {"type": "array", "items": {
            "type": "object", "required": ["code", "name"],
            "properties": {"code": _CODE, "name": _TEXTS, "hotline": {"type": ["string", "null"]},
                           "website": {"anyOf": [_URL, {"type": "null"}]},
                           "former_names": {"type": "array", "items": _TEXTS}}}},
        "categories": {"type": "array", "items": {
            "type": "object", "required": ["code", "name"],
            "properties": {"code": _CODE, "name": _TEXTS}}},
        "offices": {"type": "array", "items": {
            "type": "object", "required": ["code", "agency", "name", "lat", "lng"],
            "properties": {"code": _CODE, "agency": _CODE, "name": _TEXTS, "address": _TEXTS,
                           "lat": {"type": "number", "minimum": -90, "maximum": 90},
                           "lng": {"type": "number", "minimum": -180, "maximum": 180},
                           "opening_hours": {"type": ["string", "null"], "maxLength": 120},
                           "municipality": {"type": ["string", "null"]},
                           "zone": {"type": ["integer", "null"], "minimum": 1, "maximum": 98}}}},
        "services": {"type": "array", "items": _SERVICE},
    },
}

_VALIDATOR = Draft202012Validator(CATALOG_SCHEMA)


def json_path(parts: Any) -> str:
    """['services', 3, 'level'] -> 'services[3].level'"""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "$"


def schema_problems(doc: Any) -> list[str]:
    errors = sorted(_VALIDATOR.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    return [f"{json_path(e.absolute_path)}: {e.message}" for e in errors]


def _duplicates(items: list[dict[str, Any]], key: str, section: str) -> list[str]:
    counts = Counter(item.get(key) for item in items)
    return [f"{section}[{i}].{key}: duplicate value {item.get(key)!r}"
            for i, item in enumerate(items) if counts[item.get(key)] > 1]


def _missing_refs(items: list[dict[str, Any]], key: str, section: str,
                  known: set[str]) -> list[str]:
    return [f"{section}[{i}].{key}: unknown {key} {item.get(key)!r}"
            for i, item in enumerate(items) if item.get(key) not in known]


def reference_problems(doc: dict[str, Any], known: dict[str, set[str]]) -> list[str]:
    """Cross-record checks. `known` holds codes already in the database, which a partial
    catalogue (one agency's file) may refer to."""
    names = ("agencies", "categories", "offices", "services")
    section = {name: doc.get(name, []) for name in names}
    agencies = known["agencies"] | {a["code"] for a in section["agencies"]}
    categories = known["categories"] | {c["code"] for c in section["categories"]}
    offices = known["offices"] | {o["code"] for o in section["offices"]}
    problems: list[str] = []
    for name in section:
        problems += _duplicates(section[name], "code", name)
    problems += _duplicates(section["services"], "number", "services")
    problems += _missing_refs(section["offices"], "agency", "offices", agencies)
    problems += _missing_refs(section["services"], "agency", "services", agencies)
    problems += _missing_refs(section["services"], "category", "services", categories)
    for i, svc in enumerate(section["services"]):
        problems += [f"services[{i}].offices[{j}]: unknown office {code!r}"
                     for j, code in enumerate(svc.get("offices", [])) if code not in offices]
        problems += _field_problems(svc.get("fields", []), f"services[{i}].fields")
    return problems


def _field_problems(fields: list[dict[str, Any]], path: str) -> list[str]:
    problems = _duplicates(fields, "code", path)
    for i, field in enumerate(fields):
        problems += _duplicates(field.get("values", []), "key", f"{path}[{i}].values")
    return problems
