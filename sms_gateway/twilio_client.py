"""The official ``twilio`` client, pointed at ``TWILIO_API_BASE``, and error classification.

Redirection: twilio 9.x hard-codes each product domain's base URL (``https://api.twilio.com``,
``https://messaging.twilio.com``, ...) and builds absolute URLs before handing them to its
``HttpClient``. Every request of every domain therefore passes through
``TwilioHttpClient.request(method, url, ...)``; our subclass rewrites any ``*.twilio.com`` URL
onto ``api_base`` there. One choke point instead of patching each lazily built domain object.

Library behaviour this module compensates for (twilio 9.13):
* ``TwilioHttpClient`` has no timeout by default (requests would wait forever); we set one.
* It never retries on 429/5xx itself, and requests' adapter retries nothing by default, so
  retrying is entirely the outbox job's business (contract §4).
* Timeouts and connection failures surface as raw ``requests`` exceptions
  (``requests.exceptions.ReadTimeout`` / ``ConnectionError``), not as ``TwilioException``.
* ``TwilioRestException`` drops the response headers, so ``Retry-After`` would be lost; our
  HTTP client copies it into the error body's ``details``, which the library keeps on
  ``exc.details``.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

DEFAULT_API_BASE = "https://api.twilio.com"

FailureKind = Literal["retry", "permanent"]

# Notable Twilio error codes -> our reason labels. Send-time codes arrive as REST errors;
# the 30xxx delivery codes arrive later in status callbacks (ErrorCode), hence the public map.
NOTABLE_CODES: dict[int, str] = {
    20003: "auth_failed",
    20429: "rate_limited",
    20500: "twilio_internal",
    21211: "invalid_number",
    21408: "region_not_enabled",
    21610: "opted_out",
    21612: "unreachable_route",
    21614: "invalid_number",  # valid number but not a mobile: cannot receive SMS
    21617: "body_too_long",
    30003: "unreachable",
    30004: "blocked",
    30005: "unknown_handset",
    30006: "landline_or_unreachable_carrier",
    30007: "carrier_filtered",
    30008: "unknown_delivery_error",
}

# requests errors that mean "our configuration is wrong", not "the network hiccuped".
_CONFIG_ERRORS = (
    requests.exceptions.InvalidURL,
    requests.exceptions.MissingSchema,
    requests.exceptions.InvalidSchema,
    requests.exceptions.InvalidHeader,
    requests.exceptions.URLRequired,
)


@dataclass(frozen=True)
class TwilioFailure:
    """How the outbox should treat a failed send.

    ``kind`` decides retry vs give up; ``code`` is Twilio's error code (None for network
    errors); ``retry_after`` is seconds from a ``Retry-After`` header when Twilio sent one;
    ``reason`` is the label from :data:`NOTABLE_CODES` (or "network", "timeout", ...).
    """

    kind: FailureKind
    code: int | None
    message: str
    retry_after: float | None = None
    reason: str | None = None
    status: int | None = None


class RedirectingHttpClient(TwilioHttpClient):
    """TwilioHttpClient that sends ``*.twilio.com`` requests to ``api_base`` instead."""

    def __init__(self, api_base: str = DEFAULT_API_BASE, timeout: float = 10.0) -> None:
        super().__init__(timeout=timeout)
        self.api_base = api_base.rstrip("/")

    def rewrite_url(self, url: str) -> str:
        if self.api_base == DEFAULT_API_BASE:
            return url  # production: leave every domain (api, messaging, ...) where it is
        parts = urlsplit(url)
        host = parts.hostname or ""
        if host != "twilio.com" and not host.endswith(".twilio.com"):
            return url
        base = urlsplit(self.api_base)
        path = base.path.rstrip("/") + parts.path
        return urlunsplit((base.scheme, base.netloc, path, parts.query, parts.fragment))

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        response = super().request(
            method,
            self.rewrite_url(url),
            params=params,
            data=data,
            headers=headers,
            auth=auth,
            timeout=timeout,
            allow_redirects=allow_redirects,
        )
        return _carry_retry_after(response)


def _carry_retry_after(response: Response) -> Response:
    """Copy a Retry-After header into the JSON error body's ``details`` (see module doc)."""
    retry_after = (response.headers or {}).get("Retry-After")
    if response.status_code < 400 or retry_after is None:
        return response
    try:
        payload = json.loads(response.text)
    except ValueError:
        return response
    if not isinstance(payload, dict):
        return response
    details = payload.get("details")
    details = dict(details) if isinstance(details, dict) else {}
    details["retry_after"] = retry_after
    payload["details"] = details
    response.content = json.dumps(payload)
    return response


def make_twilio_client(
    account_sid: str,
    auth_token: str,
    api_base: str = DEFAULT_API_BASE,
    timeout: float = 10.0,
) -> Client:
    """A real ``twilio.rest.Client`` whose requests go to ``api_base`` with ``timeout``."""
    http_client = RedirectingHttpClient(api_base=api_base, timeout=timeout)
    # TWILIO_REGION / TWILIO_EDGE (read by the library from os.environ) only change the
    # *.twilio.com host name, which the redirect above still catches.
    return Client(account_sid, auth_token, http_client=http_client)


def parse_retry_after(value: object, now: float | None = None) -> float | None:
    """Seconds from a Retry-After value: delta-seconds or an HTTP date (RFC 9110 §10.2.3)."""
    if value is None:
        return None
    text = str(value).strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when - (time.time() if now is None else now))


def describe_error_code(code: int | None) -> str | None:
    """Reason label for a Twilio error code (also for status-callback ErrorCode values)."""
    return NOTABLE_CODES.get(code) if code is not None else None


def _is_retryable_status(status: int | None) -> bool:
    return status is not None and (status == 429 or status >= 500)


def _twilio_code(exc: TwilioRestException | TwilioServiceException) -> int | None:
    # Without a JSON body the library uses the HTTP status as "code"; that is not a Twilio code.
    code = exc.code
    if code is None or code == exc.status:
        return None
    try:
        return int(code)
    except (TypeError, ValueError):
        return None


def _classify_rest(exc: TwilioRestException) -> TwilioFailure:
    code = _twilio_code(exc)
    details = exc.details if isinstance(exc.details, dict) else {}
    kind: FailureKind = "retry" if _is_retryable_status(exc.status) else "permanent"
    return TwilioFailure(
        kind=kind,
        code=code,
        message=str(exc.msg),
        retry_after=parse_retry_after(details.get("retry_after")),
        reason=describe_error_code(code) or f"http_{exc.status}",
        status=exc.status,
    )


def _classify_service(exc: TwilioServiceException) -> TwilioFailure:
    code = _twilio_code(exc)
    kind: FailureKind = "retry" if _is_retryable_status(exc.status) else "permanent"
    message = exc.title + (f": {exc.detail}" if exc.detail else "")
    reason = describe_error_code(code) or f"http_{exc.status}"
    return TwilioFailure(kind, code, message, None, reason, exc.status)


def _classify_network(exc: Exception) -> TwilioFailure:
    if isinstance(exc, _CONFIG_ERRORS):
        return TwilioFailure("permanent", None, str(exc), None, "bad_configuration")
    is_timeout = isinstance(exc, (requests.exceptions.Timeout, TimeoutError))
    return TwilioFailure("retry", None, str(exc), None, "timeout" if is_timeout else "network")


def classify_twilio_error(exc: BaseException) -> TwilioFailure:
    """Decide whether a failed send is worth retrying.

    Retry: network errors, timeouts, HTTP 5xx and 429. Permanent: every other 4xx (bad number,
    opted out, bad credentials...) and anything unexpected, which a retry would not fix.
    """
    if isinstance(exc, TwilioRestException):
        return _classify_rest(exc)
    if isinstance(exc, TwilioServiceException):
        return _classify_service(exc)
    if isinstance(exc, (requests.exceptions.RequestException, ConnectionError, TimeoutError)):
        return _classify_network(exc)
    if isinstance(exc, TwilioException):
        return TwilioFailure("permanent", None, str(exc), None, "client_error")
    return TwilioFailure("permanent", None, repr(exc), None, "unexpected")
