"""Structured JSON logs with a request id, and no phone numbers or QIDs in clear."""
from __future__ import annotations

import contextvars
import logging
import re
import sys
from typing import Any

from pythonjsonlogger.json import JsonFormatter

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

# Qatari and international phone numbers, and 11-digit QIDs (first digit 2 or 3).
_PHONE = re.compile(r"(?<!\d)(?:\+|00)?\d{3}[\s-]?\d{4}[\s-]?\d{4}(?!\d)|(?<!\d)[3567]\d{7}(?!\d)")
_QID = re.compile(r"(?<!\d)[23]\d{10}(?!\d)")


def redact(text: str) -> str:
    """Keep the last two digits so support staff can still tell two numbers apart."""
    text = _QID.sub(lambda m: "QID***" + m.group()[-2:], text)
    return _PHONE.sub(lambda m: "***" + m.group()[-2:], text)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        for key, value in list(record.__dict__.items()):
            if key in _SAFE_ATTRS or not isinstance(value, str):
                continue
            record.__dict__[key] = redact(value)
        return True


_SAFE_ATTRS = set(logging.makeLogRecord({}).__dict__) | {"request_id", "message"}


def configure_logging(level: str = "INFO", stream: Any = None) -> None:
    root = logging.getLogger()
    if any(getattr(h, "_bawaba", False) for h in root.handlers):
        root.setLevel(level)
        return
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
        rename_fields={"asctime": "ts", "levelname": "level", "name": "logger"}))
    handler.addFilter(RedactingFilter())
    handler._bawaba = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
