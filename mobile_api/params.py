"""Query-string parsing that names every bad field at once, in the caller's language.

Numbers accept Arabic-Indic and Extended Arabic-Indic digits as well as ASCII."""
from __future__ import annotations

import math
from collections.abc import Mapping

from core.errors import Msg, ValidationFailed
from i18n.arabic import to_ascii_digits
from i18n.catalogs import N_

MAX_PER_PAGE = 100


class Args:
    def __init__(self, source: Mapping[str, str]):
        self._source = source
        self._errors: dict[str, Msg] = {}

    def _raw(self, name: str) -> str | None:
        value = self._source.get(name)
        if value is None:
            return None
        value = to_ascii_digits(value).strip()
        return value or None

    def fail(self, name: str, message: str, **params: object) -> None:
        self._errors.setdefault(name, Msg(message, params))

    def text(self, name: str, max_length: int = 200) -> str:
        value = (self._source.get(name) or "").strip()
        if len(value) > max_length:
            self.fail(name, N_("Must be at most %(max)s characters."), max=max_length)
            return ""
        return value

    def integer(self, name: str, default: int | None = None, *, minimum: int | None = None,
                maximum: int | None = None) -> int | None:
        raw = self._raw(name)
        if raw is None:
            return default
        if not raw.lstrip("-").isdigit() or len(raw) > 12:
            self.fail(name, N_("Must be a whole number."))
            return default
        value = int(raw)
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self._range_error(name, minimum, maximum)
            return default
        return value

    def number(self, name: str, *, minimum: float, maximum: float) -> float | None:
        raw = self._raw(name)
        if raw is None:
            return None
        try:
            value = float(raw.replace("٫", "."))
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or len(raw) > 32:
            self.fail(name, N_("Must be a number."))
            return None
        if not minimum <= value <= maximum:
            self._range_error(name, minimum, maximum)
            return None
        return value

    def choice(self, name: str, choices: tuple[str, ...]) -> str | None:
        raw = self._raw(name)
        if raw is not None and raw not in choices:
            self.fail(name, N_("Must be one of: %(choices)s."), choices=", ".join(choices))
            return None
        return raw

    def _range_error(self, name: str, minimum: float | None, maximum: float | None) -> None:
        if maximum is None:
            self.fail(name, N_("Must be at least %(min)s."), min=minimum)
        elif minimum is None:
            self.fail(name, N_("Must be at most %(max)s."), max=maximum)
        else:
            self.fail(name, N_("Must be between %(min)s and %(max)s."), min=minimum, max=maximum)

    def pagination(self, default_per_page: int = 20) -> tuple[int, int]:
        page_no = self.integer("page", 1, minimum=1, maximum=1_000_000)
        per_page = self.integer("per_page", default_per_page, minimum=1, maximum=MAX_PER_PAGE)
        return page_no or 1, per_page or default_per_page

    def done(self) -> None:
        """Raise one validation error naming every bad field."""
        if self._errors:
            raise ValidationFailed(fields=dict(self._errors))
