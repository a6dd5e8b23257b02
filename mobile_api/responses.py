"""JSON responses encoded once, UTF-8, Arabic kept readable (no \\u escapes)."""
from __future__ import annotations

import json
from typing import Any

from flask import Response

_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def encode(obj: Any) -> bytes:
    return _encode(obj).encode("utf-8")


def json_response(obj: Any, status: int = 200) -> Response:
    return Response(encode(obj), status=status, mimetype="application/json")


def raw_json_response(body: bytes, status: int = 200) -> Response:
    return Response(body, status=status, mimetype="application/json")


def page(items: list[Any], page_no: int, per_page: int, total: int) -> dict[str, Any]:
    return {"items": items, "page": page_no, "per_page": per_page, "total": total}


def page_bytes(items: list[bytes], page_no: int, per_page: int, total: int) -> bytes:
    """The same envelope as `page`, from items already encoded (cached per snapshot)."""
    return b'{"items":[' + b",".join(items) + (
        f'],"page":{page_no},"per_page":{per_page},"total":{total}}}'.encode())
