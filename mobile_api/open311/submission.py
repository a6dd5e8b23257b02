"""POST Service Request input (form-encoded, GeoReport v2) -> a core complaint Filing.

Every wrong argument is reported at once: the error array can hold several entries."""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

from werkzeug.datastructures import MultiDict

from core.catalog.records import ServiceRecord
from core.complaints import Filing
from core.errors import Msg, ValidationFailed, invalid
from core.forms import validate_answers
from core.phones import normalize_phone
from i18n.arabic import to_ascii_digits
from i18n.catalogs import N_, pick

Form = MultiDict[str, str]
MAX_DESCRIPTION = 4000  # the specification's limit for description
LOCATION_KEYS = ("lat", "long", "address_string", "address_id")
CONTACT_LIMITS = {"first_name": 100, "last_name": 100, "device_id": 200, "account_id": 200,
                  "address_id": 100}
TOO_LONG = N_("Must be at most %(max)s characters.")
_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Control characters (tab and line breaks aside): PostgreSQL refuses NUL, XML all of them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(raw: str | None) -> str:
    return _CONTROL.sub("", raw or "").strip()


def _value(form: Form, name: str, limit: int = 500) -> str | None:
    value = _clean(form.get(name))
    if len(value) > limit:
        raise invalid(name, TOO_LONG, max=limit)
    return value or None


def _number(raw: str) -> float:
    number = float(to_ascii_digits(raw).replace("٫", "."))
    if not math.isfinite(number):
        raise ValueError(raw)
    return number


def coordinates(form: Form, _svc: ServiceRecord) -> tuple[float | None, float | None]:
    raw_lat, raw_long = _value(form, "lat", 40), _value(form, "long", 40)
    if raw_lat is None and raw_long is None:
        return None, None
    if raw_lat is None or raw_long is None:
        raise invalid("lat" if raw_lat is None else "long", N_("Give both lat and long."))
    try:
        lat, lng = _number(raw_lat), _number(raw_long)
    except ValueError:
        raise invalid("lat", N_("Give lat and long as WGS84 numbers.")) from None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise invalid("lat", N_("Give lat and long as WGS84 numbers."))
    return lat, lng


def raw_attributes(form: Form) -> dict[str, Any]:
    """attribute[code]=v, and attribute[code][]=v1&attribute[code][]=v2 for multivaluelist."""
    answers: dict[str, Any] = {}
    for key in form:
        match = _ATTRIBUTE.match(key)
        if match:
            values = [_clean(v) for v in form.getlist(key)]
            answers[match[1]] = values if match[2] or len(values) > 1 else values[0]
    return answers


def _as_date(value: Any) -> Any:
    # The definition says "datetime"; the form keeps a date, so take the date the client meant.
    if not isinstance(value, str) or "T" not in value:
        return value
    try:
        return dt.datetime.fromisoformat(to_ascii_digits(value).strip()).date().isoformat()
    except ValueError:
        return value  # validate_answers names it


def answers(form: Form, svc: ServiceRecord) -> dict[str, Any]:
    given = raw_attributes(form)
    for field in svc.fields:
        if field["datatype"] == "date" and field["code"] in given:
            given[field["code"]] = _as_date(given[field["code"]])
    return validate_answers(svc.fields, given, prefix="attribute")


def contact(form: Form, _svc: ServiceRecord) -> dict[str, str]:
    details = {name: _value(form, name, limit) for name, limit in CONTACT_LIMITS.items()}
    email = _value(form, "email", 254)
    if email is not None and not _EMAIL.match(email):
        raise invalid("email", N_("Enter a valid email address."))
    details["email"] = email
    return {name: value for name, value in details.items() if value}


def phone(form: Form, _svc: ServiceRecord) -> str | None:
    raw = _value(form, "phone", 40)
    return normalize_phone(raw, "phone") if raw else None


def media_url(form: Form, _svc: ServiceRecord) -> str | None:
    url = _value(form, "media_url", 500)
    if url is None:
        return None
    parts = urlparse(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise invalid("media_url", N_("Give a full http or https address."))
    return url


PARSERS: dict[str, Callable[[Form, ServiceRecord], Any]] = {
    "coordinates": coordinates,
    "address": lambda form, _svc: _value(form, "address_string", 255),
    "description": lambda form, _svc: _value(form, "description", MAX_DESCRIPTION),
    "attributes": answers, "contact": contact, "phone": phone, "media_url": media_url,
}


def _collect(errors: dict[str, Msg], parser: Callable[[Form, ServiceRecord], Any],
             form: Form, svc: ServiceRecord) -> Any:
    try:
        return parser(form, svc)
    except ValidationFailed as exc:
        errors.update(exc.fields)
        return None


def parse(form: Form, svc: ServiceRecord, lang: str) -> Filing:
    """The complaint to file, or one ValidationFailed naming every wrong argument."""
    errors: dict[str, Msg] = {}
    got = {name: _collect(errors, parser, form, svc) for name, parser in PARSERS.items()}
    if not any(_clean(form.get(key)) for key in LOCATION_KEYS):
        errors["location"] = Msg(N_("Give lat and long, address_string or address_id."))
    if errors:
        raise ValidationFailed(fields=errors)
    lat, lng = got["coordinates"]
    return Filing(
        kind="complaint", text=got["description"] or pick(svc.name, lang), channel="open311",
        language=lang, phone=got["phone"], service_code=svc.code, lat=lat, lng=lng,
        address=got["address"], attributes=got["attributes"] or None,
        contact=got["contact"] or None, media_url=got["media_url"])
