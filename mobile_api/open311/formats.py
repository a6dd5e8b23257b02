"""GeoReport v2 wire formats: JSON and schemaless XML, mapped by the Spark convention.

A document is a root element name plus a body (a list or a dict). JSON drops the root; XML
wraps each list item in the singular element the specification's examples use."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from flask import Response

from core.errors import NotFound
from i18n.catalogs import N_
from mobile_api.responses import encode as encode_json

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# List element -> item element, exactly as in the specification's XML examples.
ITEM_NAMES = {
    "services": "service", "attributes": "attribute", "values": "value",
    "service_requests": "request", "errors": "error", "endpoints": "endpoint",
    "formats": "format",
}
XML_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'
# Characters XML 1.0 cannot carry at all (escaping does not help): drop them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class UnknownFormat(NotFound):
    default_message = N_("This response format is not available.")


def checked(fmt: str) -> str:
    """The format of a `.json` / `.xml` extension, or a 404."""
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise UnknownFormat()
    return fmt


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list | tuple):
        for item in value:
            _fill(ET.SubElement(element, ITEM_NAMES[element.tag]), item)
    elif value is not None:  # None is an empty element, as in the spec's <account_id/>
        element.text = _text(value)


def to_xml(root: str, body: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, body)
    # ElementTree escapes & < > itself; "unicode" keeps Arabic as characters, not entities.
    return XML_DECLARATION + ET.tostring(element, encoding="unicode").encode("utf-8")


def encode(root: str, body: Any, fmt: str) -> bytes:
    return encode_json(body) if fmt == "json" else to_xml(root, body)


def respond(payload: bytes, fmt: str, status: int = 200) -> Response:
    response = Response(payload, status=status)
    response.headers["Content-Type"] = FORMATS[fmt]
    return response


def document(root: str, body: Any, fmt: str, status: int = 200) -> Response:
    return respond(encode(root, body, fmt), fmt, status)


def errors(status: int, descriptions: list[str], fmt: str) -> Response:
    """The specification's error array; the code in each entry is the HTTP status."""
    body = [{"code": status, "description": text} for text in descriptions]
    return document("errors", body, fmt, status)
