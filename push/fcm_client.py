"""Firebase Cloud Messaging transport over the official ``firebase-admin`` SDK (7.7).

Routing (``FCM_API_BASE``): firebase-admin has no emulator variable or option for messaging;
``_MessagingService`` hard-codes ``https://fcm.googleapis.com`` into per-instance URLs in its
constructor, and each App caches one service instance under ``_messaging``. So
:func:`make_fcm_app` registers a small subclass, :class:`_RoutedMessagingService`, as THAT
App's messaging service (through ``_utils.get_app_service``, the SDK's own per-app service
registry) before anything else can create the default one. The subclass only re-points the
instance URLs at ``fcm_api_base``; the module-level ``messaging.send_each_async(..., app=app)``
etc. then run the SDK's real encode/auth/HTTP/error code unchanged. Nothing global is touched:
other Apps (and other processes) still talk to Google.

* Sends: ``{base}/v1/projects/{project}/messages:send``.
* Topic management: firebase-admin 7.7 ``subscribe_to_topic`` no longer uses Instance ID; it
  calls the FCM v1 subscription API ``{base}/v1/projects/{project}/registrations/{token}/
  topicSubscriptions`` (one request per token), which is therefore routed with the sends.
* The deprecated ``*_legacy`` Instance ID calls go to ``https://iid.googleapis.com`` when the
  base is Google's, else to ``{base}/iid/v1:batchAdd``: no separate setting needed.

Library behaviour this module compensates for (firebase-admin 7.7):
* Its transports silently retry 500/503 up to 4 times with 0-7 s of back-off INSIDE a batch;
  we set ``transport_retries`` (default 0) so the push job owns the retry schedule and
  ``Retry-After`` (outcome "retry").
* Its async ``httpTimeout`` also bounds the wait for a pooled connection, which times out
  healthy sends at the back of a 500-message batch; we exempt the pool wait.
* ``send_each_async`` needs an event loop, and httpx's connection pool is bound to the loop
  that opened its connections: one private loop thread per App (re-made after a fork, as RQ
  forks a work horse per job) runs every async call.
* ``send_each_async`` queues its whole list (up to 500) on httpcore's pool at once, whose
  bookkeeping is quadratic in the queue: we hand it ``max_in_flight`` (100) at a time.
* One message that fails client-side validation (``ValueError``) fails the whole batch before
  anything is sent: we then isolate it and send the others.
* ``INVALID_ARGUMENT`` is used for both a bad token and a bad payload: we read the error body.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Coroutine, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any, Literal, TypeVar

import firebase_admin
import google.auth.exceptions
import google.auth.transport.requests
import httpx
import requests.adapters
from firebase_admin import App, _http_client, _utils, credentials, exceptions, messaging
from firebase_admin._retry import HttpxRetry
from urllib3.util.retry import Retry

DEFAULT_FCM_API_BASE = "https://fcm.googleapis.com"
DEFAULT_IID_BASE = "https://iid.googleapis.com"
DEFAULT_HTTP_TIMEOUT = 10.0
DEFAULT_TTL = timedelta(hours=24)
ANDROID_CHANNEL_ID = "bawaba"
MAX_SEND_BATCH = 500  # firebase-admin's send_each(_async) limit
DEFAULT_MAX_IN_FLIGHT = 100  # = httpx's default pool size; see FcmSender
MAX_TOPIC_BATCH = 1000  # subscribe_to_topic's limit
INVALID_TOKEN_TEXT = "not a valid fcm registration token"

Outcome = Literal["sent", "prune", "retry", "failed"]
T = TypeVar("T")

_FINGERPRINT_OPTION = "bawabaFcmFingerprint"
_APPS_LOCK = threading.Lock()
_FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
_BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest"
_PRUNE_CODES = frozenset({"UNREGISTERED", "SENDER_ID_MISMATCH"})
_RETRY_CODES = frozenset(
    {"QUOTA_EXCEEDED", "UNAVAILABLE", "INTERNAL", "DEADLINE_EXCEEDED", "RESOURCE_EXHAUSTED"}
)
_TRANSPORT_ERRORS = (
    httpx.TransportError,
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    google.auth.exceptions.TransportError,
)
# Typed exceptions firebase-admin raises for FcmError codes -> the FCM code they stand for.
_TYPED_CODES: tuple[tuple[type[Exception], str], ...] = (
    (messaging.UnregisteredError, "UNREGISTERED"),
    (messaging.SenderIdMismatchError, "SENDER_ID_MISMATCH"),
    (messaging.QuotaExceededError, "QUOTA_EXCEEDED"),
    (messaging.ThirdPartyAuthError, "THIRD_PARTY_AUTH_ERROR"),
)


# --------------------------------------------------------------------------- value types
@dataclass(frozen=True, slots=True)
class PushMessage:
    """One notification for one device token, already in the citizen's language.

    ``deep_link`` travels as ``data["deep_link"]`` (and as the web-push click link when it is
    https); ``language`` as ``data["lang"]`` so the app can lay out RTL text.
    """

    token: str
    title: str
    body: str
    data: dict[str, str] = field(default_factory=dict)
    deep_link: str | None = None
    language: str = "ar"


@dataclass(frozen=True, slots=True)
class PushResult:
    """What became of one message. ``outcome``: sent | prune (drop the token) | retry | failed."""

    token: str
    ok: bool
    message_id: str | None
    outcome: Outcome
    error_code: str | None = None
    retry_after: float | None = None


@dataclass(frozen=True, slots=True)
class TopicFailure:
    """A token that could not be (un)subscribed: FCM's reason and what to do about it."""

    token: str
    reason: str
    outcome: Outcome


@dataclass(frozen=True, slots=True)
class FcmFailure:
    outcome: Outcome
    error_code: str
    retry_after: float | None


# --------------------------------------------------------------------------- event loop
class _LoopThread:
    """An asyncio loop on a daemon thread; callable from any thread, re-made after fork."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._pid = 0

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._ensure()).result()

    @property
    def alive(self) -> bool:
        return self._loop is not None and self._pid == os.getpid()

    def _ensure(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if not self.alive:
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(
                    target=self._loop.run_forever, name="fcm-loop", daemon=True
                )
                self._thread.start()
                self._pid = os.getpid()
            assert self._loop is not None
            return self._loop

    def stop(self) -> None:
        with self._lock:
            if self.alive and self._loop is not None and self._thread is not None:
                self._loop.call_soon_threadsafe(self._loop.stop)
                self._thread.join(timeout=5)
                self._loop.close()
            self._loop, self._thread = None, None


# --------------------------------------------------------------------------- routing
class _RoutedMessagingService(messaging._MessagingService):
    """firebase-admin's messaging service with every URL on ``fcm_api_base``.

    Registered per App by :func:`make_fcm_app`; see the module docstring for why a subclass.
    """

    def __init__(self, app: App, fcm_api_base: str, transport_retries: int) -> None:
        super().__init__(app)
        self._base = fcm_api_base.rstrip("/")
        project = self._project_id
        self._fcm_url = f"{self._base}/v1/projects/{project}/messages:send"
        self._fcm_topic_url = f"{self._base}/v1/projects/{project}/registrations"
        self._iid_base = DEFAULT_IID_BASE if self._base == DEFAULT_FCM_API_BASE else self._base
        self._timeout = app.options.get("httpTimeout", DEFAULT_HTTP_TIMEOUT)
        self._retries = transport_retries
        self._loop = _LoopThread()
        self._new_clients()

    def _new_clients(self) -> None:
        """Fresh HTTP clients for this process (the parent's built ones are discarded)."""
        self._pid = os.getpid()
        self._client = _http_client.JsonHttpClient(
            credential=self._credential, timeout=self._timeout
        )
        # Like the SDK does for Google's host only: a 100-connection pool (topic calls run on
        # 100 threads), with our retry policy.
        adapter = requests.adapters.HTTPAdapter(
            pool_connections=100, pool_maxsize=100, max_retries=_requests_retry(self._retries)
        )
        self._client.session.mount(self._base, adapter)
        self._async_client = self._new_async_client()

    def _new_async_client(self) -> _http_client.HttpxAsyncClient:
        retry = HttpxRetry(
            max_retries=self._retries, status_forcelist=[500, 503], backoff_factor=0.5
        )
        # httpTimeout bounds connect/read/write of each request but not the wait for a pooled
        # connection: a caller may queue more requests than the pool has connections, and
        # counting the queue time would time out healthy sends at the back of the queue.
        timeout: Any = httpx.Timeout(self._timeout, pool=None)  # the SDK's hint says int
        return _http_client.HttpxAsyncClient(
            credential=self._credential, timeout=timeout, retry_config=retry
        )

    def _check_fork(self) -> None:
        # RQ forks a work horse per job: inherited pooled sockets (shared with the parent)
        # and the parent's event loop must not be used in the child.
        if self._pid != os.getpid():
            self._new_clients()

    def ensure_token(self) -> None:
        """Refresh the OAuth token once, up front, if it is missing or about to expire.

        The SDK refreshes lazily inside each request: on the event loop (blocking it) and
        without catching refresh errors, so with the token endpoint down every queued request
        would retry the refresh in turn (~3 s each) before the batch could fail.
        """
        if not self._credential.valid:
            self._credential.refresh(google.auth.transport.requests.Request())

    def run(self, make_coro: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """Run an async SDK call on this App's loop (pool connections are bound to it)."""
        self._check_fork()
        return self._loop.run(make_coro())

    def subscribe_to_topic(self, tokens: Any, topic: str) -> messaging.TopicManagementResponse:
        self._check_fork()
        return super().subscribe_to_topic(tokens, topic)

    def unsubscribe_from_topic(self, tokens: Any, topic: str) -> messaging.TopicManagementResponse:
        self._check_fork()
        return super().unsubscribe_from_topic(tokens, topic)

    def make_topic_management_request(
        self, tokens: Any, topic: str, operation: str
    ) -> messaging.TopicManagementResponse:
        """The legacy Instance ID call, on ``_iid_base`` (the SDK reads a class constant)."""
        tokens = [tokens] if isinstance(tokens, str) else tokens
        if not isinstance(tokens, list) or not tokens or not all(tokens):
            raise ValueError("Tokens must be a non-empty string or list of strings.")
        if not isinstance(topic, str) or not topic:
            raise ValueError("Topic must be a non-empty string.")
        to = topic if topic.startswith("/topics/") else f"/topics/{topic}"
        try:
            body = self._client.body(
                "post",
                url=f"{self._iid_base}/{operation}",
                json={"to": to, "registration_tokens": tokens},
                headers=messaging._MessagingService.IID_HEADERS,
            )
        except requests.exceptions.RequestException as error:
            raise self._handle_iid_error(error) from error
        return messaging.TopicManagementResponse(body)

    def close(self) -> None:
        if self._loop.alive:
            self._loop.run(self._async_client.aclose())
        self._loop.stop()
        self._client.close()


def _requests_retry(retries: int) -> Retry:
    return Retry(
        total=retries,
        status_forcelist=[500, 503],
        backoff_factor=0.5,
        raise_on_status=False,  # the SDK turns the last response into a FirebaseError
        allowed_methods=None,
    )


def _fingerprint(credentials_path: str, fcm_api_base: str, *settings: object) -> str:
    with open(credentials_path, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    return json.dumps([os.path.realpath(credentials_path), digest, fcm_api_base, *settings])


def make_fcm_app(
    credentials_path: str,
    fcm_api_base: str = DEFAULT_FCM_API_BASE,
    name: str = "bawaba",
    *,
    http_timeout: float = DEFAULT_HTTP_TIMEOUT,
    transport_retries: int = 0,
) -> App:
    """A named firebase_admin App whose messaging calls all go to ``fcm_api_base``.

    Reused when already initialised with the same inputs (file content included); replaced
    (old App deleted) when they changed, e.g. a rotated key or another fake in tests.
    """
    fingerprint = _fingerprint(credentials_path, fcm_api_base, http_timeout, transport_retries)
    with _APPS_LOCK:
        existing = _get_app(name)
        if existing is not None and existing.options.get(_FINGERPRINT_OPTION) == fingerprint:
            return existing
        if existing is not None:
            firebase_admin.delete_app(existing)
        options = {"httpTimeout": http_timeout, _FINGERPRINT_OPTION: fingerprint}
        app = firebase_admin.initialize_app(
            credentials.Certificate(credentials_path), options, name=name
        )
        initializer = partial(
            _RoutedMessagingService,
            fcm_api_base=fcm_api_base,
            transport_retries=transport_retries,
        )
        _utils.get_app_service(app, messaging._MESSAGING_ATTRIBUTE, initializer)
        return app


def close_fcm_app(app: App) -> None:
    """Delete the App: closes its HTTP pools and stops its loop thread."""
    with _APPS_LOCK:
        firebase_admin.delete_app(app)


def _get_app(name: str) -> App | None:
    try:
        return firebase_admin.get_app(name)
    except ValueError:
        return None


def _routed_service(app: App) -> _RoutedMessagingService:
    def refuse(_: App) -> Any:
        raise ValueError(f"Firebase App {app.name!r} was not created by make_fcm_app")

    service = _utils.get_app_service(app, messaging._MESSAGING_ATTRIBUTE, refuse)
    if not isinstance(service, _RoutedMessagingService):
        refuse(app)
    return service


# --------------------------------------------------------------------------- error mapping
def classify_fcm_error(error: BaseException) -> FcmFailure:
    """Map a firebase-admin error to an outcome (CONTRACT section 6).

    UNREGISTERED, SENDER_ID_MISMATCH -> prune; INVALID_ARGUMENT -> prune only when FCM says
    the token is invalid, else failed; QUOTA_EXCEEDED, UNAVAILABLE, INTERNAL, any 5xx, timeouts
    and transport errors -> retry (with Retry-After); everything else -> failed.
    """
    code = fcm_error_code(error)
    retry_after = _retry_after(error)
    if code in _PRUNE_CODES:
        return FcmFailure("prune", code, None)
    if code == "INVALID_ARGUMENT":
        return FcmFailure("prune" if token_is_invalid(error) else "failed", code, None)
    if code in _RETRY_CODES or _is_server_error(error) or _is_transport_error(error):
        return FcmFailure("retry", code, retry_after)
    return FcmFailure("failed", code, None)


def fcm_error_code(error: BaseException) -> str:
    """FCM's errorCode when it sent one, else the platform code (UNAVAILABLE, ...)."""
    for exc_type, code in _TYPED_CODES:
        if isinstance(error, exc_type):
            return code
    for detail in _error_details(error):
        if detail.get("@type") == _FCM_ERROR_TYPE and detail.get("errorCode"):
            return str(detail["errorCode"])
    if _auth_error(error) is not None:
        return "OAUTH_ERROR"  # the SDK says UNKNOWN: getting an access token failed
    if isinstance(error, exceptions.FirebaseError):
        return str(error.code)
    return type(error).__name__


def token_is_invalid(error: BaseException) -> bool:
    """Whether an INVALID_ARGUMENT is about the registration token itself."""
    body = _error_body(error)
    if INVALID_TOKEN_TEXT in str(body.get("message", "")).lower():
        return True
    for detail in _error_details(error):
        if detail.get("@type") != _BAD_REQUEST_TYPE:
            continue
        for violation in detail.get("fieldViolations") or []:
            if violation.get("field") == "message.token":
                return True
    return False


def _error_body(error: BaseException) -> dict[str, Any]:
    response = getattr(error, "http_response", None)
    if response is None:
        return {}
    try:
        body = response.json()
    except ValueError:
        return {}
    inner = body.get("error") if isinstance(body, dict) else None
    return inner if isinstance(inner, dict) else {}


def _error_details(error: BaseException) -> list[dict[str, Any]]:
    details = _error_body(error).get("details")
    return [d for d in details if isinstance(d, dict)] if isinstance(details, list) else []


def _retry_after(error: BaseException) -> float | None:
    response = getattr(error, "http_response", None)
    header = response.headers.get("Retry-After") if response is not None else None
    if not header:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(header).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _is_server_error(error: BaseException) -> bool:
    response = getattr(error, "http_response", None)
    return response is not None and response.status_code >= 500


def _is_transport_error(error: BaseException) -> bool:
    """No HTTP answer: connection reset, timeout, or the token endpoint unreachable/5xx."""
    auth = _auth_error(error)
    if auth is not None:  # google-auth flags token-endpoint 5xx/429 as retryable
        return isinstance(auth, google.auth.exceptions.TransportError) or bool(auth.retryable)
    if getattr(error, "http_response", None) is not None:
        return False
    return isinstance(getattr(error, "cause", None) or error.__cause__, _TRANSPORT_ERRORS)


def _auth_error(error: BaseException) -> google.auth.exceptions.GoogleAuthError | None:
    for candidate in (error, getattr(error, "cause", None), error.__cause__):
        if isinstance(candidate, google.auth.exceptions.GoogleAuthError):
            return candidate
    return None


# --------------------------------------------------------------------------- messages
def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _data(message: PushMessage) -> dict[str, str]:
    # FCM data values must be strings; firebase-admin raises ValueError on anything else.
    data = {str(key): str(value) for key, value in message.data.items()}
    if message.deep_link:
        data.setdefault("deep_link", message.deep_link)
    data.setdefault("lang", message.language)
    return data


def _result(token: str, response: messaging.SendResponse) -> PushResult:
    if response.success:
        return PushResult(token, True, response.message_id, "sent")
    return _failure(token, response.exception)


def _failure(token: str, error: BaseException) -> PushResult:
    failure = classify_fcm_error(error)
    return PushResult(token, False, None, failure.outcome, failure.error_code, failure.retry_after)


class FcmSender:
    """Sends pushes through a :func:`make_fcm_app` App and maps every answer to a PushResult.

    ``max_in_flight``: messages handed to one ``send_each_async`` call (<= 500). The SDK fires
    the whole list at once, and httpcore's pool re-scans every queued request against every
    connection on each state change (O(queued x connections)); with 500 queued on its default
    100 connections that bookkeeping, not the network, dominates (8 s for a cold batch of 500
    against the local fake, 1.2 s with 100). Keeping the window at the pool size avoids the
    queue; calls run back to back on the App's loop, so throughput is not capped by it.
    """

    def __init__(
        self,
        app: App,
        *,
        ttl: timedelta = DEFAULT_TTL,
        channel_id: str = ANDROID_CHANNEL_ID,
        dry_run: bool = False,
        max_in_flight: int = DEFAULT_MAX_IN_FLIGHT,
    ) -> None:
        self._app = app
        self._service = _routed_service(app)
        self._ttl = ttl
        self._channel_id = channel_id
        self._dry_run = dry_run
        self._window = max(1, min(max_in_flight, MAX_SEND_BATCH))
        self._async = hasattr(messaging, "send_each_async")

    # ------------------------------------------------------------------ building
    def build_message(
        self,
        title: str,
        body: str,
        data: dict[str, str],
        *,
        token: str | None = None,
        topic: str | None = None,
    ) -> messaging.Message:
        """Notification + Android (high, channel, TTL) + APNs (alert, default sound) blocks."""
        return messaging.Message(
            token=token,
            topic=topic,
            notification=messaging.Notification(title=title, body=body),
            data=data,
            android=self._android(),
            apns=self._apns(title, body),
            webpush=_webpush(data.get("deep_link")),
        )

    def _android(self) -> messaging.AndroidConfig:
        return messaging.AndroidConfig(
            priority="high",
            ttl=self._ttl,
            notification=messaging.AndroidNotification(channel_id=self._channel_id),
        )

    def _apns(self, title: str, body: str) -> messaging.APNSConfig:
        headers = {
            "apns-priority": "10",  # deliver now (alerts); 5 would let iOS batch them
            "apns-push-type": "alert",
            "apns-expiration": str(int(time.time() + self._ttl.total_seconds())),
        }
        aps = messaging.Aps(alert=messaging.ApsAlert(title=title, body=body), sound="default")
        return messaging.APNSConfig(headers=headers, payload=messaging.APNSPayload(aps=aps))

    def _for(self, message: PushMessage) -> messaging.Message:
        return self.build_message(message.title, message.body, _data(message), token=message.token)

    # ------------------------------------------------------------------ sending
    def send_batch(self, messages: Sequence[PushMessage]) -> list[PushResult]:
        """Send each message; one PushResult per message, in order. Any length is fine."""
        if not messages:
            return []
        self._check_app()
        return self._service.run(lambda: self._send_all(messages))

    def send_to_topic(
        self,
        topic: str,
        title: str,
        body: str,
        data: dict[str, str] | None = None,
        *,
        deep_link: str | None = None,
        language: str = "ar",
    ) -> PushResult:
        """One message to a topic; the result's ``token`` is ``/topics/<topic>``."""
        target = topic.removeprefix("/topics/")
        probe = PushMessage(f"/topics/{target}", title, body, data or {}, deep_link, language)
        build = partial(self.build_message, title, body, _data(probe), topic=target)
        self._check_app()
        return self._service.run(lambda: self._send_one(probe.token, build))

    def _check_app(self) -> None:
        """Fail loudly if make_fcm_app replaced our App: the SDK would raise ValueError per
        call, which must not be mistaken for malformed messages (see _send_part)."""
        if _get_app(self._app.name) is not self._app:
            raise RuntimeError(
                f"Firebase App {self._app.name!r} was deleted or replaced; make a new FcmSender"
            )

    async def _send_all(self, messages: Sequence[PushMessage]) -> list[PushResult]:
        results: list[PushResult] = []
        for part in _chunks(messages, self._window):
            try:
                self._service.ensure_token()
            except google.auth.exceptions.GoogleAuthError as error:  # fails all the rest
                return results + [_failure(m.token, error) for m in messages[len(results) :]]
            results += await self._send_part(part)
        return results

    async def _send_part(self, part: Sequence[PushMessage]) -> list[PushResult]:
        try:
            response = await self._send_each([self._for(message) for message in part])
        except ValueError:  # one malformed message sinks the whole call: isolate it
            return [await self._send_one(m.token, partial(self._for, m)) for m in part]
        except exceptions.FirebaseError as error:  # whole call, e.g. token endpoint down
            return [_failure(message.token, error) for message in part]
        return [_result(m.token, r) for m, r in zip(part, response.responses, strict=True)]

    async def _send_one(self, token: str, build: Callable[[], messaging.Message]) -> PushResult:
        try:
            self._service.ensure_token()
            response = await self._send_each([build()])
        except ValueError as error:
            return PushResult(token, False, None, "failed", f"INVALID_MESSAGE: {error}")
        except (exceptions.FirebaseError, google.auth.exceptions.GoogleAuthError) as error:
            return _failure(token, error)
        return _result(token, response.responses[0])

    async def _send_each(self, built: list[messaging.Message]) -> messaging.BatchResponse:
        if self._async:
            return await messaging.send_each_async(built, dry_run=self._dry_run, app=self._app)
        # SDKs without the async API: the thread-pool variant (blocks only our private loop).
        return messaging.send_each(built, dry_run=self._dry_run, app=self._app)

    # ------------------------------------------------------------------ topics
    def subscribe(self, tokens: Iterable[str], topic: str) -> list[TopicFailure]:
        """Subscribe in batches of 1,000; returns the tokens that failed."""
        return self._manage_topic(tokens, topic, messaging.subscribe_to_topic)

    def unsubscribe(self, tokens: Iterable[str], topic: str) -> list[TopicFailure]:
        """Unsubscribe in batches of 1,000; returns the tokens that failed."""
        return self._manage_topic(tokens, topic, messaging.unsubscribe_from_topic)

    def _manage_topic(
        self,
        tokens: Iterable[str],
        topic: str,
        call: Callable[..., messaging.TopicManagementResponse],
    ) -> list[TopicFailure]:
        self._check_app()
        failures: list[TopicFailure] = []
        for chunk in _chunks(list(tokens), MAX_TOPIC_BATCH):
            try:
                self._service.ensure_token()  # else each of 100 threads would try on its own
                response = call(list(chunk), topic, app=self._app)
            except (exceptions.FirebaseError, google.auth.exceptions.GoogleAuthError) as error:
                failure = classify_fcm_error(error)
                failures += [TopicFailure(t, failure.error_code, failure.outcome) for t in chunk]
                continue
            failures += [_topic_failure(chunk[e.index], e.reason) for e in response.errors]
        return failures


def _topic_failure(token: str, reason: str) -> TopicFailure:
    if reason in _PRUNE_CODES:
        return TopicFailure(token, reason, "prune")
    retry = reason in _RETRY_CODES or reason == "UNKNOWN_ERROR"
    return TopicFailure(token, reason, "retry" if retry else "failed")


def _webpush(deep_link: str | None) -> messaging.WebpushConfig | None:
    # The SDK rejects non-https links (ValueError), and app deep links are often custom schemes.
    if not deep_link or not deep_link.startswith("https://"):
        return None
    return messaging.WebpushConfig(fcm_options=messaging.WebpushFCMOptions(link=deep_link))
