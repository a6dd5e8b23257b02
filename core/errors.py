"""Typed domain errors. Raised anywhere in core; each channel turns them into its wire format
(JSON error shape, Open311 error array, SMS reply, USSD END screen) once, at its edge."""
from __future__ import annotations

from dataclasses import dataclass, field

from i18n.catalogs import N_


@dataclass(frozen=True)
class Msg:
    """A translatable message: msgid plus its %(named)s parameters."""

    text: str
    params: dict[str, object] = field(default_factory=dict)


class DomainError(Exception):
    code = "error"
    default_message = N_("Something went wrong. Please try again.")

    def __init__(self, message: str | None = None, *, fields: dict[str, Msg] | None = None,
                 **params: object):
        self.message = Msg(message or self.default_message, params)
        self.fields = fields or {}
        super().__init__(self.message.text % params if params else self.message.text)


class ValidationFailed(DomainError):
    code = "validation_failed"
    default_message = N_("Some of the information sent is not valid.")


class NotFound(DomainError):
    code = "not_found"
    default_message = N_("Not found.")


class Conflict(DomainError):
    code = "conflict"
    default_message = N_("This conflicts with the current state.")


class Unauthorized(DomainError):
    code = "unauthorized"
    default_message = N_("Sign in to continue.")


class Forbidden(DomainError):
    code = "forbidden"
    default_message = N_("You are not allowed to do this.")


class RateLimited(DomainError):
    code = "rate_limited"
    default_message = N_("Too many requests. Please try again later.")

    def __init__(self, retry_after: int, message: str | None = None, **params: object):
        super().__init__(message, **params)  # type: ignore[arg-type]  # params are %-args
        self.retry_after = retry_after


class PayloadTooLarge(DomainError):
    code = "payload_too_large"
    default_message = N_("The upload is too large.")


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"
    default_message = N_("This type of content is not supported.")


def invalid(field_name: str, message: str, **params: object) -> ValidationFailed:
    """A validation error about one field."""
    return ValidationFailed(fields={field_name: Msg(message, params)})
