"""A service's online form (Open311-style attributes) and the validation of answers to it."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from core.errors import Msg, ValidationFailed
from i18n.arabic import to_ascii_digits
from i18n.catalogs import N_

MAX_STRING, MAX_TEXT = 500, 5000
Checker = Callable[[dict[str, Any], Any], tuple[Any, Msg | None]]


def _string(limit: int) -> Checker:
    def check(_field: dict[str, Any], value: Any) -> tuple[Any, Msg | None]:
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            return None, Msg(N_("Must be text."))
        value = value.strip()
        if len(value) > limit:
            return None, Msg(N_("Must be at most %(max)s characters."), {"max": limit})
        return value, None
    return check


def _number(_field: dict[str, Any], value: Any) -> tuple[Any, Msg | None]:
    if isinstance(value, bool):
        return None, Msg(N_("Must be a number."))
    if isinstance(value, int | float):
        return value, None
    text = to_ascii_digits(str(value)).strip().replace("٫", ".")
    try:
        number = float(text)
    except ValueError:
        return None, Msg(N_("Must be a number."))
    if number != number or number in (float("inf"), float("-inf")):
        return None, Msg(N_("Must be a number."))
    return int(number) if number.is_integer() else number, None


def _date(_field: dict[str, Any], value: Any) -> tuple[Any, Msg | None]:
    try:
        return dt.date.fromisoformat(to_ascii_digits(str(value)).strip()).isoformat(), None
    except ValueError:
        return None, Msg(N_("Must be a date like 2026-12-31."))


def _keys(field: dict[str, Any]) -> set[str]:
    return {v["key"] for v in field.get("values", [])}


def _single(field: dict[str, Any], value: Any) -> tuple[Any, Msg | None]:
    if str(value) not in _keys(field):
        return None, Msg(N_("Must be one of: %(choices)s."),
                         {"choices": ", ".join(sorted(_keys(field)))})
    return str(value), None


def _multi(field: dict[str, Any], value: Any) -> tuple[Any, Msg | None]:
    values = value if isinstance(value, list) else [value]
    wrong = [v for v in values if str(v) not in _keys(field)]
    if wrong or not values:
        return None, Msg(N_("Must be one or more of: %(choices)s."),
                         {"choices": ", ".join(sorted(_keys(field)))})
    return sorted({str(v) for v in values}), None


CHECKERS: dict[str, Checker] = {
    "string": _string(MAX_STRING), "text": _string(MAX_TEXT), "number": _number,
    "date": _date, "singlevaluelist": _single, "multivaluelist": _multi,
}


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def validate_answers(form: tuple[dict[str, Any], ...], answers: Any,
                     prefix: str = "fields") -> dict[str, Any]:
    """Clean answers keyed by field code, or one error naming every wrong field."""
    if answers is None:
        answers = {}
    if not isinstance(answers, dict):
        raise ValidationFailed(fields={prefix: Msg(N_("Send the form as a JSON object."))})
    errors: dict[str, Msg] = {}
    clean: dict[str, Any] = {}
    known = {field["code"]: field for field in form}
    for code in answers:
        if code not in known:
            errors[f"{prefix}.{code}"] = Msg(N_("This form has no such field."))
    for code, field in known.items():
        value = answers.get(code)
        if _blank(value):
            if field.get("required"):
                errors[f"{prefix}.{code}"] = Msg(N_("This field is required."))
            continue
        clean[code], error = CHECKERS[field["datatype"]](field, value)
        if error is not None:
            errors[f"{prefix}.{code}"] = error
    if errors:
        raise ValidationFailed(fields=errors)
    return clean
