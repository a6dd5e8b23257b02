"""A local HTTP server speaking Twilio's Programmable Messaging REST API wire format.

The point is to exercise the REAL ``twilio`` client library (auth, form encoding, JSON
parsing, exception mapping) without the network. Point the client at ``fake.url``
(``sms_gateway.twilio_client.make_twilio_client(..., api_base=fake.url)``).

Implemented:
* ``POST /2010-04-01/Accounts/{AccountSid}/Messages.json`` -> 201 Message resource JSON.
* ``GET  /2010-04-01/Accounts/{AccountSid}/Messages/{MessageSid}.json`` -> stored resource.
* Twilio-shaped errors ``{"code", "message", "more_info", "status"}``: 401/20003 for bad
  Basic auth, 400/21211, 21604, 21603, 21602, 21617, rejected numbers, injected 429/20429
  (with ``Retry-After``) and 5xx/20500, 404/20404 for anything else.

Switches (thread-safe): ``fail_next``, ``reject_number``, ``latency``, ``reset``; observations:
``messages``, ``requests``, ``requests_count``, ``wait_for``. Usable as a context manager.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from werkzeug.serving import WSGIRequestHandler
from werkzeug.wrappers import Request, Response

from sms_gateway.segments import count as count_segments
from tests.fakes.local_server import LocalHttpFake

API_VERSION = "2010-04-01"
_ACCOUNT_PATH = r"^/2010-04-01/Accounts/(?P<account>[^/]+)"
_MESSAGES_RE = re.compile(_ACCOUNT_PATH + r"/Messages\.json$")
_MESSAGE_RE = re.compile(_ACCOUNT_PATH + r"/Messages/(?P<sid>[^/]+)\.json$")
_E164_RE = re.compile(r"^\+[1-9]\d{1,14}$")
MAX_BODY_CHARS = 1600

# Messages as Twilio words them; "{to}"/"{from}" are filled in per request.
ERROR_MESSAGES: dict[int, str] = {
    20003: "Authenticate",
    20404: "The requested resource {path} was not found",
    20429: "Too Many Requests",
    20500: "Internal Server Error",
    21211: "The 'To' number {to} is not a valid phone number.",
    21408: "Permission to send an SMS has not been enabled for the region indicated by the "
    "'To' number: {to}",
    21602: "Message body is required.",
    21603: "A 'From' phone number is required.",
    21604: "A 'To' phone number is required.",
    21610: "Attempt to send to unsubscribed recipient",
    21612: "The 'To' phone number: {to}, is not currently reachable using the 'From' phone "
    "number: {from} via SMS.",
    21614: "'To' number is not a valid mobile number",
    21617: "The concatenated message body exceeds the 1600 character limit.",
}

_STATUS_CODES = {429: 20429, 500: 20500, 502: 20500, 503: 20500, 504: 20500}


def twilio_error_body(code: int, status: int, message: str) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def _rfc2822_now() -> str:
    return format_datetime(datetime.now(UTC))


def _new_sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


def _flatten_form(request: Request) -> dict[str, Any]:
    """Form fields as a dict; repeated keys (e.g. MediaUrl) become lists."""
    return {k: v[0] if len(v) == 1 else v for k, v in request.form.lists()}


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # keep test output clean; failures are visible through fake.requests


class _Failure:
    def __init__(self, status: int, code: int, message: str, retry_after: float | None):
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after


class TwilioFake(LocalHttpFake):
    """Local fake of Twilio's Messages API. See the module docstring."""

    thread_name = "twilio-fake"
    request_handler = _QuietHandler

    def __init__(
        self,
        account_sid: str | None = None,
        auth_token: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.account_sid = account_sid or _new_sid("AC")
        self.auth_token = auth_token or secrets.token_hex(16)
        self._init_server(host, port)
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._init_state()

    # ------------------------------------------------------------------ lifecycle
    # ------------------------------------------------------------------ switches
    def _init_state(self) -> None:
        self._messages: list[dict[str, Any]] = []
        self._resources: dict[str, dict[str, Any]] = {}
        self._requests: list[dict[str, Any]] = []
        self._failures: list[_Failure] = []
        self._rejected: dict[str, tuple[int, str | None]] = {}
        self._latency = 0.0

    def reset(self) -> None:
        with self._lock:
            self._init_state()
            self._changed.notify_all()

    def fail_next(
        self,
        n: int = 1,
        status: int = 500,
        code: int | None = None,
        retry_after: float | None = None,
        message: str | None = None,
    ) -> None:
        """The next ``n`` authenticated requests answer ``status`` with a Twilio error body.

        429 defaults to code 20429 and ``Retry-After: 1``; 5xx to code 20500.
        """
        code = code or _STATUS_CODES.get(status, 20500 if status >= 500 else 20001)
        if status == 429 and retry_after is None:
            retry_after = 1
        text = message or ERROR_MESSAGES.get(code, f"Error {code}")
        with self._lock:
            self._failures.extend(_Failure(status, code, text, retry_after) for _ in range(n))

    def reject_number(self, to: str, code: int = 21610, message: str | None = None) -> None:
        """Sends to ``to`` fail with 400 and ``code`` (21610 unsubscribed, 21211 invalid...)."""
        with self._lock:
            self._rejected[to] = (code, message)

    # ------------------------------------------------------------------ observations
    @property
    def messages(self) -> list[dict[str, Any]]:
        """Accepted sends, in order: the posted form fields plus the assigned ``sid``."""
        with self._lock:
            return [dict(m) for m in self._messages]

    @property
    def requests(self) -> list[dict[str, Any]]:
        """Every request seen: method, path, answered status, form fields."""
        with self._lock:
            return [dict(r) for r in self._requests]

    @property
    def requests_count(self) -> int:
        with self._lock:
            return len(self._requests)

    def get_message(self, sid: str) -> dict[str, Any] | None:
        with self._lock:
            resource = self._resources.get(sid)
            return dict(resource) if resource else None

    def wait_for(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Block until at least ``count`` messages were accepted; raise TimeoutError if not."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._messages) >= count, timeout):
                raise TimeoutError(
                    f"TwilioFake got {len(self._messages)} message(s), expected {count}"
                )
            return [dict(m) for m in self._messages]

    # ------------------------------------------------------------------ HTTP
    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        response = self._handle(request)
        with self._lock:
            self._requests.append(
                {
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "form": _flatten_form(request),
                }
            )
            latency = self._latency
            self._changed.notify_all()
        # The message (if any) is already stored: like real Twilio, a send is not undone
        # because the client stopped waiting for the answer.
        if latency > 0:
            self._stopping.wait(latency)
        return response(environ, start_response)

    def _handle(self, request: Request) -> Response:
        if not self._authorized(request):
            return self._unauthorized()
        failure = self._pop_failure()
        if failure is not None:
            return self._failure_response(failure)
        match = _MESSAGES_RE.match(request.path)
        if match and request.method == "POST":
            return self._create(request, match.group("account"))
        match = _MESSAGE_RE.match(request.path)
        if match and request.method == "GET":
            return self._fetch(request, match.group("account"), match.group("sid"))
        return self._not_found(request.path)

    def _authorized(self, request: Request) -> bool:
        auth = request.authorization
        return (
            auth is not None
            and auth.type == "basic"
            and secrets.compare_digest(auth.username or "", self.account_sid)
            and secrets.compare_digest(auth.password or "", self.auth_token)
        )

    def _pop_failure(self) -> _Failure | None:
        with self._lock:
            return self._failures.pop(0) if self._failures else None

    def _create(self, request: Request, account: str) -> Response:
        if account != self.account_sid:
            return self._not_found(request.path)
        form = _flatten_form(request)
        error = self._validate(form)
        if error is not None:
            return error
        resource = self._resource(form)
        with self._lock:
            self._resources[resource["sid"]] = resource
            self._messages.append({**form, "sid": resource["sid"]})
        return _json_response(resource, 201)

    def _validate(self, form: dict[str, Any]) -> Response | None:
        to, sender = form.get("To", ""), form.get("From", "")
        body = form.get("Body", "")
        if not to:
            return self._error(21604, 400, form)
        if not sender and not form.get("MessagingServiceSid"):
            return self._error(21603, 400, form)
        if not body and not form.get("MediaUrl") and not form.get("ContentSid"):
            return self._error(21602, 400, form)
        if len(body) > MAX_BODY_CHARS:
            return self._error(21617, 400, form)
        if not _E164_RE.match(to):
            return self._error(21211, 400, form)
        with self._lock:
            rejected = self._rejected.get(to)
        return self._error(rejected[0], 400, form, rejected[1]) if rejected else None

    def _resource(self, form: dict[str, Any]) -> dict[str, Any]:
        """A Message resource shaped like Twilio's "Create a Message" example response."""
        sid = _new_sid("SM")
        now = _rfc2822_now()
        base = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{sid}"
        via_service = bool(form.get("MessagingServiceSid")) and not form.get("From")
        body = form.get("Body", "")
        return {
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "body": body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": form.get("From") or None,
            "messaging_service_sid": form.get("MessagingServiceSid") or None,
            "num_media": str(_count_media(form)),
            # Via a Messaging Service the sender (hence encoding) is not chosen yet: "0".
            "num_segments": "0" if via_service else str(count_segments(body).segments),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": _initial_status(form, via_service),
            "subresource_uris": {"media": base + "/Media.json"},
            "to": form.get("To"),
            "uri": base + ".json",
        }

    def _fetch(self, request: Request, account: str, sid: str) -> Response:
        resource = self.get_message(sid) if account == self.account_sid else None
        if resource is None:
            return self._not_found(request.path)
        return _json_response(resource, 200)

    # ------------------------------------------------------------------ error responses
    def _error(
        self, code: int, status: int, form: dict[str, Any], template: str | None = None
    ) -> Response:
        template = template or ERROR_MESSAGES.get(code, f"Error {code}")
        message = template.replace("{to}", str(form.get("To", ""))).replace(
            "{from}", str(form.get("From", ""))
        )
        return _json_response(twilio_error_body(code, status, message), status)

    def _unauthorized(self) -> Response:
        body = twilio_error_body(20003, 401, ERROR_MESSAGES[20003])
        body["detail"] = "Your AccountSid or AuthToken was incorrect."
        response = _json_response(body, 401)
        response.headers["WWW-Authenticate"] = 'Basic realm="Twilio API"'
        return response

    def _not_found(self, path: str) -> Response:
        message = ERROR_MESSAGES[20404].replace("{path}", path)
        return _json_response(twilio_error_body(20404, 404, message), 404)

    def _failure_response(self, failure: _Failure) -> Response:
        body = twilio_error_body(failure.code, failure.status, failure.message)
        response = _json_response(body, failure.status)
        if failure.retry_after is not None:
            response.headers["Retry-After"] = f"{failure.retry_after:g}"
        return response


def _count_media(form: dict[str, Any]) -> int:
    media = form.get("MediaUrl")
    if not media:
        return 0
    return len(media) if isinstance(media, list) else 1


def _initial_status(form: dict[str, Any], via_service: bool) -> str:
    if form.get("ScheduleType") == "fixed" and form.get("SendAt"):
        return "scheduled"
    return "accepted" if via_service else "queued"


def _json_response(payload: dict[str, Any], status: int) -> Response:
    response = Response(
        json.dumps(payload), status=status, content_type="application/json; charset=utf-8"
    )
    response.headers["Twilio-Request-Id"] = _new_sid("RQ")
    return response
