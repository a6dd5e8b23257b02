"""A local HTTP server speaking Firebase Cloud Messaging's wire format, plus Google OAuth2.

The point is to exercise the REAL ``firebase-admin`` (and ``google-auth``) code paths: the
JWT-bearer token exchange, the FCM HTTP v1 send API, Google's error envelope and the topic
management APIs, without the network. Write a service account whose ``token_uri`` points here
(``fake.write_service_account(path)``) and route FCM calls to ``fake.url``
(``push.fcm_client.make_fcm_app(path, fake.url)``).

Implemented:
* ``POST /token`` -- Google's OAuth2 token endpoint for the JWT-bearer grant. The assertion
  is decoded; its signature is verified when the key was issued by ``write_service_account``.
* ``POST /v1/projects/{project}/messages:send`` -- ``{"message": {...}, "validate_only"?}``
  -> ``{"name": "projects/{project}/messages/<id>"}``; needs a Bearer token issued by /token.
* ``POST|DELETE /v1/projects/{project}/registrations/{token}/topicSubscriptions[/{topic}]``
  -- the FCM v1 topic subscription API that firebase-admin >= 7.7 ``subscribe_to_topic`` /
  ``unsubscribe_from_topic`` call (one request per token; 409 ALREADY_EXISTS on a repeat).
* ``POST /iid/v1:batchAdd`` and ``/iid/v1:batchRemove`` -- the legacy Instance ID batch API
  (``subscribe_to_topic_legacy``): ``{"results": [{}, {"error": "NOT_FOUND"}, ...]}``.
* Google's error envelope ``{"error": {"code", "message", "status", "details"}}`` with the
  ``google.firebase.fcm.v1.FcmError`` / ``google.rpc.BadRequest`` details FCM sends.

Switches (thread-safe): ``unregister``, ``mismatch``, ``invalid_token``, ``fail_next``,
``latency``, ``fail_oauth``, ``revoke_access_tokens``, ``reset``. Observations: ``messages``,
``validated``, ``sent_count``, ``sent_to``, ``topics``, ``token_requests``, ``request_counts``,
``requests``, ``wait_for``.
Usable as a context manager.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import secrets
import socket
import threading
from collections import Counter, deque
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler

from tests.fakes.local_server import LocalHttpFake

FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
INVALID_TOKEN_MESSAGE = "The registration token is not a valid FCM registration token"
MAX_PAYLOAD_BYTES = 4096
MAX_TTL_SECONDS = 2_419_200  # 4 weeks
RESERVED_DATA_KEYS = {"from", "notification", "message_type"}
RESERVED_DATA_PREFIXES = ("google.", "gcm.")

_SEND_RE = re.compile(r"^/v1/projects/(?P<project>[^/]+)/messages:send$")
_SUBSCRIPTION_RE = re.compile(
    r"^/v1/projects/(?P<project>[^/]+)/registrations/(?P<token>[^/]+)"
    r"/topicSubscriptions(?:/(?P<topic>[^/]+))?$"
)
_IID_RE = re.compile(r"^/iid/v1:(?P<op>batchAdd|batchRemove)$")

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}
# What FCM puts in the FcmError detail for an injected failure of each HTTP status.
_FCM_CODES = {429: "QUOTA_EXCEEDED", 500: "INTERNAL", 503: "UNAVAILABLE"}
_FAILURE_MESSAGES = {
    400: "Invalid value at 'message.data[0].value' (TYPE_STRING), 12",
    429: "Quota exceeded for quota metric 'Send requests' and limit 'Send requests per "
    "minute' of service 'fcm.googleapis.com'.",
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
}
_UNAUTHENTICATED_MESSAGE = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
    "cookie or other valid authentication credential. See "
    "https://developers.google.com/identity/sign-in/web/devconsole-project."
)

_KEY_LOCK = threading.Lock()
_KEY_PEM: dict[str, bytes] = {}  # one RSA key per process: generating one costs ~100 ms


# --------------------------------------------------------------------------- error bodies
def google_error(
    status: int, message: str, details: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """Google's JSON error envelope (google.rpc.Status as the REST APIs render it)."""
    error: dict[str, Any] = {
        "code": status,
        "message": message,
        "status": _STATUS_NAMES.get(status, "UNKNOWN"),
    }
    if details:
        error["details"] = details
    return {"error": error}


def fcm_error(status: int, message: str, fcm_code: str, *extra: dict[str, Any]) -> dict[str, Any]:
    """An FCM v1 error: Google's envelope with an ``FcmError`` detail naming ``fcm_code``."""
    return google_error(status, message, [{"@type": FCM_ERROR_TYPE, "errorCode": fcm_code}, *extra])


def field_violation(field: str, description: str) -> dict[str, Any]:
    return {
        "@type": BAD_REQUEST_TYPE,
        "fieldViolations": [{"field": field, "description": description}],
    }


def unregistered_error() -> dict[str, Any]:
    return fcm_error(404, "Requested entity was not found.", "UNREGISTERED")


def sender_id_mismatch_error() -> dict[str, Any]:
    return fcm_error(403, "SenderId mismatch", "SENDER_ID_MISMATCH")


def invalid_token_error(style: str = "message") -> dict[str, Any]:
    """FCM's two observed shapes for a malformed token.

    ``message``: the current one (FcmError INVALID_ARGUMENT, the message says it is the token).
    ``field``: the older one (generic message, a BadRequest violation on ``message.token``).
    """
    if style == "field":
        violation = field_violation("message.token", INVALID_TOKEN_MESSAGE)
        message = "Request contains an invalid argument."
        return fcm_error(400, message, "INVALID_ARGUMENT", violation)
    return fcm_error(400, INVALID_TOKEN_MESSAGE, "INVALID_ARGUMENT")


def invalid_payload_error(field: str, description: str) -> dict[str, Any]:
    """A payload problem: BadRequest violation on a field other than the token."""
    return google_error(400, description, [field_violation(field, description)])


# --------------------------------------------------------------------------- helpers
def _decode_jwt_unverified(assertion: str) -> dict[str, Any]:
    payload = assertion.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def _private_key_pem() -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    with _KEY_LOCK:
        if "key" not in _KEY_PEM:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            _KEY_PEM["key"] = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            _KEY_PEM["public"] = key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        return _KEY_PEM["key"]


def _payload_size(message: dict[str, Any]) -> int:
    parts = [message.get("data") or {}, message.get("notification") or {}]
    return sum(len(k.encode()) + len(str(v).encode()) for part in parts for k, v in part.items())


def _ttl_seconds(android: dict[str, Any]) -> float | None:
    ttl = android.get("ttl")
    return float(ttl.rstrip("s")) if isinstance(ttl, str) and ttl.endswith("s") else None


def _validate_message(message: Any) -> dict[str, Any] | None:
    """FCM's own payload checks (the ones firebase-admin does not do client-side)."""
    if not isinstance(message, dict):
        return invalid_payload_error("message", "Invalid JSON payload received.")
    if sum(key in message for key in ("token", "topic", "condition")) != 1:
        return invalid_payload_error("message", "Recipient of the message is not set.")
    for key in message.get("data") or {}:
        if key in RESERVED_DATA_KEYS or key.startswith(RESERVED_DATA_PREFIXES):
            return invalid_payload_error("message.data", f"Invalid data payload key: {key}")
    if _payload_size(message) > MAX_PAYLOAD_BYTES:
        return invalid_payload_error("message", "Message is too big")
    ttl = _ttl_seconds(message.get("android") or {})
    if ttl is not None and not 0 <= ttl <= MAX_TTL_SECONDS:
        field = "message.android.ttl"
        return invalid_payload_error(field, f"Invalid value at '{field}'")
    return None


def _now_rfc3339() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class _KeepAliveHandler(WSGIRequestHandler):
    """werkzeug's request handler with HTTP/1.1 keep-alive and one send() per response.

    werkzeug's own ``run_wsgi`` always answers ``Connection: close`` and then waits up to 10 ms
    draining the socket, because http.server cannot skip an unread request body. That caps a
    Python client at a few hundred requests per second (a TCP handshake and a new thread per
    FCM call). FcmFake always reads the whole body first, so here the connection is kept open
    and the response is written in one piece (no Nagle/delayed-ACK stall between head and body).
    """

    timeout = 30  # an idle keep-alive connection is dropped after this, ending its thread

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.fcm_fake._track(self.connection)  # type: ignore[attr-defined]

    def finish(self) -> None:
        self.server.fcm_fake._untrack(self.connection)  # type: ignore[attr-defined]
        super().finish()

    def run_wsgi(self) -> None:
        environ = self.make_environ()
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None):
            started[:] = [status, headers]

        try:
            body = b"".join(self.server.app(environ, start_response))
        except Exception:  # a bug in the fake: answer 500 and drop the connection
            self.close_connection = True
            body = json.dumps(google_error(500, "FcmFake crashed")).encode()
            started[:] = ["500 Internal Server Error", [("Content-Type", "application/json")]]
        if environ.get("wsgi.input_terminated"):  # chunked request: framing is unreliable
            self.close_connection = True
        self.wfile.write(self._head(started[0], started[1], len(body)) + body)

    def _head(self, status: str, headers: list[tuple[str, str]], length: int) -> bytes:
        lines = [f"HTTP/1.1 {status}", f"Date: {self.date_time_string()}", "Server: FcmFake"]
        lines += [f"{key}: {value}" for key, value in headers if key.lower() != "content-length"]
        lines.append(f"Content-Length: {length}")
        if self.close_connection:
            lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # keep test output clean; failures are visible through fake.requests


class _Reply:
    """A JSON answer: status, body and extra headers (cheaper than a werkzeug Response)."""

    __slots__ = ("status", "body", "headers")

    def __init__(
        self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        self.status, self.body, self.headers = status, body, headers or {}


class _Failure:
    def __init__(self, status: int, retry_after: float | None) -> None:
        self.status, self.retry_after = status, retry_after

    def reply(self) -> _Reply:
        status = self.status
        message = _FAILURE_MESSAGES.get(status, f"Error {status}")
        if status == 400:  # a payload problem, not the token's: see invalid_token()
            body = invalid_payload_error("message.data[0].value", message)
        else:
            body = fcm_error(status, message, _FCM_CODES.get(status, "UNSPECIFIED_ERROR"))
        headers = {"Retry-After": f"{self.retry_after:g}"} if self.retry_after is not None else {}
        return _Reply(status, body, headers)


_STATUS_LINES = {
    200: "200 OK",
    400: "400 Bad Request",
    401: "401 Unauthorized",
    403: "403 Forbidden",
    404: "404 Not Found",
    409: "409 Conflict",
    429: "429 Too Many Requests",
    500: "500 Internal Server Error",
    503: "503 Service Unavailable",
}


class FcmFake(LocalHttpFake):
    """Local fake of FCM HTTP v1 + Google OAuth2. See the module docstring."""

    thread_name = "fcm-fake"
    request_handler = _KeepAliveHandler

    def __init__(
        self,
        project_id: str = "bawaba-test",
        host: str = "127.0.0.1",
        port: int = 0,
        token_ttl: int = 3599,
        keep_messages: bool = True,
    ) -> None:
        self.project_id = project_id
        self.token_ttl = token_ttl
        # False keeps only sent_count (messages/sent_to stay empty): each kept message costs
        # ~4.5 KB, so a 100k-message benchmark would hold ~450 MB.
        self.keep_messages = keep_messages
        self._init_server(host, port)
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._public_keys: dict[str, bytes] = {}  # client_email -> PEM, for JWT verification
        self._connections: set[socket.socket] = set()
        self._init_state()

    # ------------------------------------------------------------------ lifecycle
    def _configure(self, server: BaseWSGIServer) -> None:
        # Many clients (httpx pools of 100 connections, send_each's 500 threads) connect at
        # once; the default listen backlog of 128 would reset some of them.
        server.socket.listen(1024)
        server.fcm_fake = self  # type: ignore[attr-defined]  # for _KeepAliveHandler

    def _after_close(self) -> None:
        self._close_connections()

    def _track(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.add(connection)

    def _untrack(self, connection: socket.socket) -> None:
        with self._lock:
            self._connections.discard(connection)

    def _close_connections(self) -> None:
        """End idle keep-alive connections so their handler threads exit with the fake."""
        with self._lock:
            connections, self._connections = list(self._connections), set()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


    @property
    def token_uri(self) -> str:
        return self.url + "/token"

    def write_service_account(
        self, path: str | Path, client_email: str | None = None
    ) -> dict[str, Any]:
        """Write a throwaway service-account JSON whose ``token_uri`` is this fake.

        Its JWT assertions are then signature-checked by /token, like Google does.
        """
        _private_key_pem()
        email = client_email or f"firebase-adminsdk@{self.project_id}.iam.gserviceaccount.com"
        info = {
            "type": "service_account",
            "project_id": self.project_id,
            "private_key_id": secrets.token_hex(20),
            "private_key": _KEY_PEM["key"].decode(),
            "client_email": email,
            "client_id": str(secrets.randbelow(10**20)),
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": self.token_uri,
            "universe_domain": "googleapis.com",
        }
        with self._lock:
            self._public_keys[email] = _KEY_PEM["public"]
        Path(path).write_text(json.dumps(info), encoding="utf-8")
        return info

    # ------------------------------------------------------------------ switches
    def _init_state(self) -> None:
        self._messages: list[dict[str, Any]] = []
        self._validated: list[dict[str, Any]] = []
        self._by_token: dict[str, list[int]] = {}
        self._sent_count = 0
        self._topics: dict[str, set[str]] = {}
        self._access_tokens: set[str] = set()
        self._token_requests: list[dict[str, Any]] = []
        self._requests: deque[dict[str, Any]] = deque(maxlen=10_000)
        self._request_counts: Counter[str] = Counter()
        self._failures: deque[_Failure] = deque()
        self._token_faults: dict[str, dict[str, Any]] = {}
        self._oauth_failure: int | None = None
        self._latency = 0.0

    def reset(self) -> None:
        """Forget everything (issued access tokens included) and clear every switch."""
        with self._lock:
            self._init_state()
            self._changed.notify_all()

    def unregister(self, token: str) -> None:
        """Sends to ``token`` answer 404 UNREGISTERED (the app was uninstalled)."""
        self._set_fault(token, unregistered_error())

    def mismatch(self, token: str) -> None:
        """Sends to ``token`` answer 403 SENDER_ID_MISMATCH (token of another project)."""
        self._set_fault(token, sender_id_mismatch_error())

    def invalid_token(self, token: str, style: str = "message") -> None:
        """Sends to ``token`` answer 400 INVALID_ARGUMENT about the token itself.

        ``style="field"`` uses the older shape with a ``message.token`` field violation.
        """
        self._set_fault(token, invalid_token_error(style))

    def _set_fault(self, token: str, body: dict[str, Any]) -> None:
        with self._lock:
            self._token_faults[token] = body

    def fail_next(self, n: int = 1, status: int = 503, retry_after: float | None = None) -> None:
        """The next ``n`` authenticated FCM API requests (sends, topic calls) fail.

        429 -> QUOTA_EXCEEDED with ``Retry-After`` (default 60), 500 -> INTERNAL,
        503 -> UNAVAILABLE, 400 -> a payload INVALID_ARGUMENT (not about the token).
        """
        if status == 429 and retry_after is None:
            retry_after = 60
        with self._lock:
            self._failures.extend(_Failure(status, retry_after) for _ in range(n))

    def fail_oauth(self, status: int | None = 400) -> None:
        """/token answers ``status`` until reset: 400 ``invalid_grant`` (e.g. a deleted key,
        permanent) or 5xx (retryable); None restores it."""
        with self._lock:
            self._oauth_failure = status

    def revoke_access_tokens(self) -> None:
        """Every access token issued so far stops working (-> 401 until the client refreshes)."""
        with self._lock:
            self._access_tokens.clear()

    # ------------------------------------------------------------------ observations
    @property
    def messages(self) -> list[dict[str, Any]]:
        """Accepted (not validate_only) sends, in order.

        Each: ``name``, ``token``/``topic``/``condition``, ``title``, ``body``, ``data``,
        ``notification``, ``android``, ``apns``, ``webpush``, ``fcm_options``, ``message``.
        """
        with self._lock:
            return list(self._messages)

    @property
    def validated(self) -> list[dict[str, Any]]:
        """Sends made with ``validate_only`` (dry runs): checked, not delivered."""
        with self._lock:
            return list(self._validated)

    @property
    def sent_count(self) -> int:
        with self._lock:
            return self._sent_count

    def sent_to(self, token: str) -> list[dict[str, Any]]:
        """Messages accepted for ``token`` (empty when ``keep_messages`` is False)."""
        with self._lock:
            return [self._messages[i] for i in self._by_token.get(token, [])]

    @property
    def topics(self) -> dict[str, set[str]]:
        """Topic name (without ``/topics/``) -> subscribed tokens."""
        with self._lock:
            return {topic: set(tokens) for topic, tokens in self._topics.items() if tokens}

    @property
    def token_requests(self) -> list[dict[str, Any]]:
        """Decoded JWT claims of every successful /token exchange."""
        with self._lock:
            return list(self._token_requests)

    @property
    def request_counts(self) -> Counter[str]:
        """Requests per route: token, send, subscribe, unsubscribe, iid_batchAdd, ..."""
        with self._lock:
            return Counter(self._request_counts)

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The last 10,000 requests: method, path, route, answered status."""
        with self._lock:
            return list(self._requests)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Block until at least ``count`` messages were accepted; raise TimeoutError if not."""
        with self._changed:
            if not self._changed.wait_for(lambda: self._sent_count >= count, timeout):
                raise TimeoutError(f"FcmFake got {self._sent_count} message(s), expected {count}")
            return list(self._messages)

    # ------------------------------------------------------------------ HTTP plumbing
    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        # Read the whole body whatever the route: the connection is kept alive (see
        # _KeepAliveHandler), so unread bytes would be parsed as the next request.
        environ[_BODY_KEY] = _drain_body(environ)
        path = urlsplit(environ.get("RAW_URI") or environ.get("PATH_INFO", "")).path
        method = environ["REQUEST_METHOD"]
        route, reply = self._dispatch(environ, method, path)
        with self._lock:
            self._requests.append(
                {"method": method, "path": path, "route": route, "status": reply.status}
            )
            self._request_counts[route] += 1
            latency = self._latency if route != "token" else 0.0
        # The message (if any) is already stored: like FCM, a send is not undone because the
        # client stopped waiting for the answer. OAuth is not slowed: latency models FCM.
        if latency > 0:
            self._stopping.wait(latency)
        payload = json.dumps(reply.body).encode()
        headers = [
            ("Content-Type", "application/json; charset=UTF-8"),
            ("Content-Length", str(len(payload))),
            *reply.headers.items(),
        ]
        start_response(_STATUS_LINES.get(reply.status, f"{reply.status} Error"), headers)
        return [payload]

    def _dispatch(self, environ: dict[str, Any], method: str, path: str) -> tuple[str, _Reply]:
        if path == "/token" and method == "POST":
            return "token", self._token(environ)
        match = _SEND_RE.match(path)
        if match and method == "POST":
            return "send", self._api(environ, lambda: self._send(environ, match["project"]))
        match = _SUBSCRIPTION_RE.match(path)
        if match:
            route = "subscribe" if method == "POST" else "unsubscribe"
            return route, self._api(environ, lambda: self._subscription(environ, method, match))
        match = _IID_RE.match(path)
        if match and method == "POST":
            return "iid_" + match["op"], self._api(environ, lambda: self._iid(environ, match["op"]))
        return "unknown", _Reply(404, google_error(404, f"Not found: {method} {path}"))

    def _api(self, environ: dict[str, Any], handler: Any) -> _Reply:
        """Bearer check, then an injected failure if any, then the real handler."""
        if not self._authorized(environ):
            headers = {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'}
            return _Reply(401, google_error(401, _UNAUTHENTICATED_MESSAGE), headers)
        with self._lock:
            failure = self._failures.popleft() if self._failures else None
        return failure.reply() if failure is not None else handler()

    def _authorized(self, environ: dict[str, Any]) -> bool:
        scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        with self._lock:
            return scheme.lower() == "bearer" and token in self._access_tokens

    # ------------------------------------------------------------------ OAuth2
    def _token(self, environ: dict[str, Any]) -> _Reply:
        with self._lock:
            failure = self._oauth_failure
        if failure is not None and failure < 500:
            return _oauth_error("invalid_grant", "Invalid JWT Signature.", failure)
        if failure is not None:
            return _Reply(failure, {"error": "internal_failure", "error_description": "Backend"})
        form = {k: v[0] for k, v in parse_qs(_read_body(environ).decode()).items()}
        if form.get("grant_type") != JWT_BEARER or not form.get("assertion"):
            return _oauth_error("unsupported_grant_type", "Invalid grant_type: ")
        try:
            claims = self._check_assertion(form["assertion"])
        except ValueError as error:
            return _oauth_error("invalid_grant", str(error))
        access_token = "ya29.fake-" + secrets.token_urlsafe(24)
        with self._lock:
            self._access_tokens.add(access_token)
            self._token_requests.append(claims)
        body = {"access_token": access_token, "expires_in": self.token_ttl, "token_type": "Bearer"}
        return _Reply(200, body)

    def _check_assertion(self, assertion: str) -> dict[str, Any]:
        try:
            claims = _decode_jwt_unverified(assertion)
        except (IndexError, ValueError) as error:
            raise ValueError("Invalid JWT: Token must be a short-lived token") from error
        with self._lock:
            public_key = self._public_keys.get(str(claims.get("iss")))
        if public_key is not None:
            from google.auth import jwt

            try:
                jwt.decode(assertion, certs=public_key.decode(), audience=claims.get("aud"))
            except ValueError as error:
                raise ValueError("Invalid JWT Signature.") from error
        if not claims.get("iss") or not claims.get("scope"):
            raise ValueError("Invalid JWT: missing iss or scope")
        return claims

    # ------------------------------------------------------------------ FCM send
    def _send(self, environ: dict[str, Any], project: str) -> _Reply:
        if project != self.project_id:
            return _permission_denied(project)
        try:
            request = json.loads(_read_body(environ) or b"null")
        except ValueError:
            return _Reply(400, invalid_payload_error("", "Invalid JSON payload received."))
        message = request.get("message") if isinstance(request, dict) else None
        problem = _validate_message(message)
        if problem is not None:
            return _Reply(400, problem)
        assert isinstance(message, dict)
        fault = self._fault_for(message.get("token"))
        if fault is not None:
            return _Reply(fault["error"]["code"], fault)
        name = f"projects/{project}/messages/{secrets.token_hex(8)}"
        self._record(name, message, bool(request.get("validate_only")))
        return _Reply(200, {"name": name})

    def _fault_for(self, token: str | None) -> dict[str, Any] | None:
        if token is None:
            return None
        with self._lock:
            return self._token_faults.get(token)

    def _record(self, name: str, message: dict[str, Any], validate_only: bool) -> None:
        notification = message.get("notification") or {}
        record = {
            "name": name,
            "token": message.get("token"),
            "topic": message.get("topic"),
            "condition": message.get("condition"),
            "title": notification.get("title"),
            "body": notification.get("body"),
            "data": message.get("data") or {},
            "notification": notification,
            "android": message.get("android"),
            "apns": message.get("apns"),
            "webpush": message.get("webpush"),
            "fcm_options": message.get("fcm_options"),
            "message": message,
        }
        with self._lock:
            if validate_only:
                self._validated.append(record)
                return
            self._store(record)
            self._changed.notify_all()

    def _store(self, record: dict[str, Any]) -> None:
        self._sent_count += 1
        if not self.keep_messages:
            return
        token = record["token"]
        if token is not None:
            self._by_token.setdefault(token, []).append(len(self._messages))
        self._messages.append(record)

    # ------------------------------------------------------------------ topics (FCM v1)
    def _subscription(self, environ: dict[str, Any], method: str, match: re.Match[str]) -> _Reply:
        project, token = match["project"], unquote(match["token"])
        if project != self.project_id:
            return _permission_denied(project)
        fault = self._fault_for(token)
        if fault is not None:
            return _Reply(fault["error"]["code"], fault)
        if method == "POST" and match["topic"] is None:
            query = parse_qs(environ.get("QUERY_STRING", ""))
            topic = (query.get("topic_name") or query.get("topicName") or [""])[0]
            return self._subscribe_one(project, token, topic)
        if method == "DELETE" and match["topic"] is not None:
            allow_missing = "allow_missing=true" in environ.get("QUERY_STRING", "")
            return self._unsubscribe_one(token, unquote(match["topic"]), allow_missing)
        return _Reply(404, google_error(404, f"Not found: {method} topicSubscriptions"))

    def _subscribe_one(self, project: str, token: str, topic: str) -> _Reply:
        if not re.fullmatch(r"[a-zA-Z0-9-_.~%]{1,900}", topic):
            return _Reply(400, invalid_payload_error("topic_name", "Invalid topic name."))
        with self._lock:
            members = self._topics.setdefault(topic, set())
            if token in members:
                return _Reply(409, google_error(409, "Requested entity already exists"))
            members.add(token)
        name = f"projects/{project}/registrations/{token}/topicSubscriptions/{topic}"
        return _Reply(200, {"name": name, "topic_name": topic, "create_time": _now_rfc3339()})

    def _unsubscribe_one(self, token: str, topic: str, allow_missing: bool) -> _Reply:
        with self._lock:
            members = self._topics.get(topic, set())
            present = token in members
            members.discard(token)
        if not present and not allow_missing:
            return _Reply(404, google_error(404, "Requested entity was not found."))
        return _Reply(200, {})

    # ------------------------------------------------------------------ topics (legacy IID)
    def _iid(self, environ: dict[str, Any], op: str) -> _Reply:
        try:
            request = json.loads(_read_body(environ) or b"null")
            topic = str(request["to"]).removeprefix("/topics/")
            tokens = list(request["registration_tokens"])
        except (ValueError, KeyError, TypeError):
            return _Reply(400, {"error": "InvalidParameters"})
        if len(tokens) > 1000:
            return _Reply(400, {"error": "TooManyRegIds"})
        return _Reply(200, {"results": [self._iid_one(op, topic, token) for token in tokens]})

    def _iid_one(self, op: str, topic: str, token: str) -> dict[str, str]:
        fault = self._fault_for(token)
        if fault is not None:  # IID's own vocabulary for the same three conditions
            return {"error": _IID_ERRORS[fault["error"]["code"]]}
        with self._lock:
            if op == "batchAdd":
                self._topics.setdefault(topic, set()).add(token)
            else:
                self._topics.get(topic, set()).discard(token)
        return {}


_IID_ERRORS = {404: "NOT_FOUND", 403: "PERMISSION_DENIED", 400: "INVALID_ARGUMENT"}


_BODY_KEY = "fcm_fake.body"


def _drain_body(environ: dict[str, Any]) -> bytes:
    if environ.get("wsgi.input_terminated"):  # chunked: werkzeug's dechunking stream
        return environ["wsgi.input"].read()
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return environ["wsgi.input"].read(length) if length > 0 else b""


def _read_body(environ: dict[str, Any]) -> bytes:
    return environ.get(_BODY_KEY, b"")


def _oauth_error(error: str, description: str, status: int = 400) -> _Reply:
    return _Reply(status, {"error": error, "error_description": description})


def _permission_denied(project: str) -> _Reply:
    message = (
        f"Permission 'cloudmessaging.messages.create' denied on resource "
        f"'//cloudresourcemanager.googleapis.com/projects/{project}' (or it may not exist)."
    )
    return _Reply(403, google_error(403, message))
