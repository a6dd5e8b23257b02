"""The real firebase-admin, built by ``push.fcm_client``, driven against the local FCM fake.

No database, Redis or Flask app: only the fake's HTTP server and a throwaway service account.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import firebase_admin
import httpx
import pytest
from firebase_admin import credentials, exceptions, messaging

from push import fcm_client
from push.fcm_client import (
    FcmSender,
    PushMessage,
    PushResult,
    classify_fcm_error,
    close_fcm_app,
    make_fcm_app,
)
from tests.fakes.fcm_fake import FcmFake

AppFactory = Callable[..., firebase_admin.App]


@pytest.fixture
def fcm() -> Iterator[FcmFake]:
    with FcmFake(project_id="bawaba-test") as server:
        yield server


@pytest.fixture
def service_account(fcm: FcmFake, tmp_path: Path) -> Path:
    path = tmp_path / "service-account.json"
    fcm.write_service_account(path)
    return path


@pytest.fixture
def make_app(fcm: FcmFake, service_account: Path) -> Iterator[AppFactory]:
    made: list[firebase_admin.App] = []

    def factory(**options: Any) -> firebase_admin.App:
        name = options.pop("name", f"test-{uuid.uuid4().hex[:8]}")
        base = options.pop("fcm_api_base", fcm.url)
        app = make_fcm_app(str(service_account), base, name, **options)
        made.append(app)
        return app

    yield factory
    for app in made:
        with contextlib.suppress(ValueError):  # a test may have replaced it already
            close_fcm_app(app)


@pytest.fixture
def sender(make_app: AppFactory) -> FcmSender:
    return FcmSender(make_app(http_timeout=2.0))


def _push(token: str = "tok-1", **overrides: Any) -> PushMessage:
    fields: dict[str, Any] = {
        "token": token,
        "title": "تم تحديث طلبك",
        "body": "طلبك 1234567897 قيد المراجعة",
        "data": {"reference": "1234567897"},
        "deep_link": "bawaba://requests/1234567897",
        "language": "ar",
    }
    return PushMessage(**{**fields, **overrides})


def _one(sender: FcmSender, message: PushMessage | None = None) -> PushResult:
    [result] = sender.send_batch([message or _push()])
    return result


# --------------------------------------------------------------------------- sending
def test_send_ok_carries_notification_android_apns_and_data(
    fcm: FcmFake, sender: FcmSender
) -> None:
    result = _one(sender)

    assert result.ok and result.outcome == "sent" and result.error_code is None
    assert result.message_id is not None
    assert result.message_id.startswith("projects/bawaba-test/messages/")
    [sent] = fcm.sent_to("tok-1")
    assert (sent["title"], sent["body"]) == ("تم تحديث طلبك", "طلبك 1234567897 قيد المراجعة")
    assert sent["data"] == {
        "reference": "1234567897",
        "deep_link": "bawaba://requests/1234567897",
        "lang": "ar",
    }
    assert sent["android"] == {
        "priority": "high",
        "ttl": "86400s",
        "notification": {"channel_id": "bawaba"},
    }
    aps = sent["apns"]["payload"]["aps"]
    assert aps == {"alert": {"title": sent["title"], "body": sent["body"]}, "sound": "default"}
    assert sent["apns"]["headers"]["apns-priority"] == "10"
    assert sent["webpush"] is None  # custom-scheme deep links are not web-push links


def test_https_deep_link_also_becomes_the_web_push_link(fcm: FcmFake, sender: FcmSender) -> None:
    _one(sender, _push(deep_link="https://bawaba.gov.qa/r/1234567897"))

    assert fcm.messages[0]["webpush"] == {
        "fcm_options": {"link": "https://bawaba.gov.qa/r/1234567897"}
    }


def test_a_batch_of_500_goes_out_in_windows_of_100(
    fcm: FcmFake, sender: FcmSender, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes = _spy(monkeypatch, "send_each_async")

    results = sender.send_batch([_push(f"tok-{i}") for i in range(500)])

    assert sizes == [100] * 5
    assert [r.token for r in results] == [f"tok-{i}" for i in range(500)]
    assert all(r.outcome == "sent" for r in results)
    assert {m["token"] for m in fcm.wait_for(500)} == {f"tok-{i}" for i in range(500)}
    assert len({r.message_id for r in results}) == 500


def test_one_call_never_exceeds_the_sdk_limit(
    fcm: FcmFake, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The limit is 500; a stand-in of 5 keeps the test fast (500 at once takes seconds).
    monkeypatch.setattr(fcm_client, "MAX_SEND_BATCH", 5)
    sender = FcmSender(make_app(), max_in_flight=1000)
    sizes = _spy(monkeypatch, "send_each_async")

    results = sender.send_batch([_push(f"tok-{i}") for i in range(11)])

    assert sizes == [5, 5, 1]
    assert [r.token for r in results] == [f"tok-{i}" for i in range(11)]
    assert fcm.sent_count == 11


def _spy(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    """Record the batch size of each call to ``messaging.<name>`` (still calling it)."""
    sizes: list[int] = []
    real = getattr(messaging, name)

    def spy(items: list[Any], *args: Any, **kwargs: Any) -> Any:
        sizes.append(len(items))
        return real(items, *args, **kwargs)

    monkeypatch.setattr(messaging, name, spy)
    return sizes


# --------------------------------------------------------------------------- error mapping
ERROR_CASES: dict[str, tuple[Callable[[FcmFake, str], None], str, str]] = {
    "unregistered": (lambda f, t: f.unregister(t), "prune", "UNREGISTERED"),
    "sender_id_mismatch": (lambda f, t: f.mismatch(t), "prune", "SENDER_ID_MISMATCH"),
    "invalid_token": (lambda f, t: f.invalid_token(t), "prune", "INVALID_ARGUMENT"),
    "invalid_token_field_violation": (
        lambda f, t: f.invalid_token(t, style="field"),
        "prune",
        "INVALID_ARGUMENT",
    ),
    "invalid_payload": (lambda f, t: f.fail_next(1, status=400), "failed", "INVALID_ARGUMENT"),
    "quota_exceeded": (lambda f, t: f.fail_next(1, status=429), "retry", "QUOTA_EXCEEDED"),
    "unavailable": (lambda f, t: f.fail_next(1, status=503), "retry", "UNAVAILABLE"),
    "internal": (lambda f, t: f.fail_next(1, status=500), "retry", "INTERNAL"),
}


@pytest.mark.parametrize("case", ERROR_CASES)
def test_each_fcm_error_maps_to_its_outcome(fcm: FcmFake, sender: FcmSender, case: str) -> None:
    arrange, outcome, code = ERROR_CASES[case]
    arrange(fcm, "tok-1")

    result = _one(sender)

    assert (result.ok, result.message_id) == (False, None)
    assert (result.outcome, result.error_code) == (outcome, code)
    assert fcm.sent_to("tok-1") == []


def test_quota_exceeded_carries_retry_after(fcm: FcmFake, sender: FcmSender) -> None:
    fcm.fail_next(1, status=429, retry_after=37)

    assert _one(sender).retry_after == 37.0


def test_unavailable_with_retry_after_carries_it(fcm: FcmFake, sender: FcmSender) -> None:
    fcm.fail_next(1, status=503, retry_after=12)

    result = _one(sender)

    assert (result.outcome, result.retry_after) == ("retry", 12.0)


def test_reserved_data_key_is_a_payload_error_not_a_token_error(
    fcm: FcmFake, sender: FcmSender
) -> None:
    result = _one(sender, _push(data={"from": "MOI"}))

    assert (result.outcome, result.error_code) == ("failed", "INVALID_ARGUMENT")


def test_timeout_is_retried_later(fcm: FcmFake, make_app: AppFactory) -> None:
    sender = FcmSender(make_app(http_timeout=0.3))
    fcm.latency = 1.0

    result = _one(sender)

    assert (result.outcome, result.error_code) == ("retry", "DEADLINE_EXCEEDED")


def test_unreachable_fcm_is_retried_later(make_app: AppFactory) -> None:
    sender = FcmSender(make_app(fcm_api_base="http://127.0.0.1:9", http_timeout=1.0))

    result = _one(sender)

    assert (result.outcome, result.error_code) == ("retry", "UNAVAILABLE")


def test_one_batch_mixes_outcomes_per_token(fcm: FcmFake, sender: FcmSender) -> None:
    fcm.unregister("gone")
    fcm.invalid_token("garbled")

    results = sender.send_batch([_push("ok-1"), _push("gone"), _push("garbled"), _push("ok-2")])

    assert [(r.token, r.outcome) for r in results] == [
        ("ok-1", "sent"),
        ("gone", "prune"),
        ("garbled", "prune"),
        ("ok-2", "sent"),
    ]
    assert {m["token"] for m in fcm.messages} == {"ok-1", "ok-2"}  # sent concurrently


def test_a_message_the_sdk_rejects_does_not_sink_the_batch(fcm: FcmFake, sender: FcmSender) -> None:
    results = sender.send_batch([_push("ok-1"), _push(""), _push("ok-2")])

    assert [r.outcome for r in results] == ["sent", "failed", "sent"]
    assert results[1].error_code is not None
    assert results[1].error_code.startswith("INVALID_MESSAGE")
    assert fcm.sent_count == 2


def test_the_sdk_does_not_silently_retry_5xx_by_default(fcm: FcmFake, sender: FcmSender) -> None:
    fcm.fail_next(1, status=503)

    assert _one(sender).outcome == "retry"
    assert fcm.request_counts["send"] == 1


def test_transport_retries_can_be_enabled(fcm: FcmFake, make_app: AppFactory) -> None:
    sender = FcmSender(make_app(transport_retries=1))
    fcm.fail_next(1, status=503)

    assert _one(sender).outcome == "sent"
    assert fcm.request_counts["send"] == 2


def test_retry_after_as_http_date() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
    response = httpx.Response(503, headers={"Retry-After": when}, json={})
    error = exceptions.UnavailableError("down", http_response=response)

    failure = classify_fcm_error(error)

    assert failure.outcome == "retry"
    assert failure.retry_after is not None and 110 <= failure.retry_after <= 120


# --------------------------------------------------------------------------- OAuth2
def test_one_oauth_token_serves_many_sends(
    fcm: FcmFake, sender: FcmSender, service_account: Path
) -> None:
    for _ in range(3):
        sender.send_batch([_push(f"tok-{i}") for i in range(20)])

    [claims] = fcm.token_requests
    assert claims["iss"] == f"firebase-adminsdk@{fcm.project_id}.iam.gserviceaccount.com"
    # google-auth signs for Google's fixed token audience even when token_uri is elsewhere.
    assert claims["aud"] == "https://oauth2.googleapis.com/token"
    assert "https://www.googleapis.com/auth/cloud-platform" in claims["scope"].split()
    assert fcm.sent_count == 60


def test_a_rejected_access_token_is_refreshed_once(fcm: FcmFake, sender: FcmSender) -> None:
    _one(sender)
    fcm.revoke_access_tokens()

    result = _one(sender, _push("tok-2"))

    assert result.outcome == "sent"
    assert len(fcm.token_requests) == 2


@pytest.mark.parametrize(("status", "outcome"), [(400, "failed"), (503, "retry")])
def test_token_endpoint_failures(
    fcm: FcmFake, sender: FcmSender, status: int, outcome: str
) -> None:
    fcm.fail_oauth(status)  # 400 invalid_grant: a deleted key; 503: Google hiccup

    results = sender.send_batch([_push(f"tok-{i}") for i in range(150)])

    # One refresh attempt fails the whole list (the SDK alone would retry it per message).
    assert {(r.outcome, r.error_code) for r in results} == {(outcome, "OAUTH_ERROR")}
    assert len(results) == 150 and fcm.sent_count == 0
    assert fcm.request_counts["send"] == 0


# --------------------------------------------------------------------------- topics
def test_topic_subscription_goes_in_batches_of_1000(
    fcm: FcmFake, sender: FcmSender, monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens = [f"tok-{i}" for i in range(2500)]
    fcm.unregister("tok-42")
    sizes = _spy(monkeypatch, "subscribe_to_topic")

    failures = sender.subscribe(tokens, "moi-news")

    assert sizes == [1000, 1000, 500]
    assert [(f.token, f.reason, f.outcome) for f in failures] == [
        ("tok-42", "UNREGISTERED", "prune")
    ]
    assert fcm.topics["moi-news"] == set(tokens) - {"tok-42"}


def test_topic_unsubscription_goes_in_batches_of_1000(
    fcm: FcmFake, sender: FcmSender, monkeypatch: pytest.MonkeyPatch
) -> None:
    sender.subscribe(["tok-7", "tok-2100", "keep"], "moi-news")
    sizes = _spy(monkeypatch, "unsubscribe_from_topic")

    # Tokens that were never subscribed are fine (the SDK asks with allow_missing=true).
    failures = sender.unsubscribe([f"tok-{i}" for i in range(2500)], "/topics/moi-news")

    assert (sizes, failures) == ([1000, 1000, 500], [])
    assert fcm.topics["moi-news"] == {"keep"}


def test_send_to_topic(fcm: FcmFake, sender: FcmSender) -> None:
    result = sender.send_to_topic("moi-news", "تنبيه", "نص", {"campaign": "7"}, language="ar")

    assert (result.token, result.outcome) == ("/topics/moi-news", "sent")
    [sent] = fcm.messages
    assert (sent["topic"], sent["token"], sent["title"]) == ("moi-news", None, "تنبيه")
    assert sent["data"] == {"campaign": "7", "lang": "ar"}


def test_legacy_instance_id_calls_are_routed_to_the_fake_too(
    fcm: FcmFake, make_app: AppFactory
) -> None:
    app = make_app()
    fcm.unregister("gone")

    with pytest.warns(DeprecationWarning):
        response = messaging.subscribe_to_topic_legacy(["a", "gone"], "legacy", app=app)

    assert [(e.index, e.reason) for e in response.errors] == [(1, "NOT_FOUND")]
    assert fcm.request_counts["iid_batchAdd"] == 1
    assert fcm.topics["legacy"] == {"a"}


# --------------------------------------------------------------------------- app wiring
def test_make_fcm_app_reuses_an_app_with_the_same_inputs(
    fcm: FcmFake, make_app: AppFactory
) -> None:
    first = make_app(name="bawaba-reuse")

    assert make_app(name="bawaba-reuse") is first
    replaced = make_app(name="bawaba-reuse", http_timeout=3.0)
    assert replaced is not first
    assert replaced.options.get("httpTimeout") == 3.0
    assert _one(FcmSender(replaced)).outcome == "sent"


def test_a_sender_whose_app_was_replaced_fails_loudly(make_app: AppFactory) -> None:
    sender = FcmSender(make_app(name="bawaba-replaced"))
    make_app(name="bawaba-replaced", http_timeout=4.0)

    with pytest.raises(RuntimeError, match="replaced"):
        sender.send_batch([_push()])


def test_sender_refuses_an_app_not_routed_by_make_fcm_app(service_account: Path) -> None:
    app = firebase_admin.initialize_app(
        credentials.Certificate(str(service_account)), name=f"plain-{uuid.uuid4().hex[:8]}"
    )
    try:
        with pytest.raises(ValueError, match="make_fcm_app"):
            FcmSender(app)
    finally:
        firebase_admin.delete_app(app)
