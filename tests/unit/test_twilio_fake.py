"""The real ``twilio`` client, built by ``make_twilio_client``, driven against the local fake."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client
from twilio.rest.api.v2010.account.message import MessageInstance

from sms_gateway.twilio_client import (
    RedirectingHttpClient,
    classify_twilio_error,
    describe_error_code,
    make_twilio_client,
    parse_retry_after,
)
from tests.fakes.twilio_fake import TwilioFake

SENDER = "+15005550006"
CITIZEN = "+97455123456"
CALLBACK = "https://bawaba.example.qa/sms/twilio/status"


@pytest.fixture
def fake() -> Iterator[TwilioFake]:
    with TwilioFake() as server:
        yield server


@pytest.fixture
def rest_client(fake: TwilioFake) -> Client:
    # Not named `client`: tests/conftest.py's `client` is the Flask test client.
    return make_twilio_client(fake.account_sid, fake.auth_token, api_base=fake.url, timeout=2.0)


def _send(client: Client, to: str = CITIZEN, body: str = "Your code is 123456") -> MessageInstance:
    return client.messages.create(to=to, from_=SENDER, body=body, status_callback=CALLBACK)


def _failure_of(client: Client, **kwargs: str) -> TwilioRestException:
    with pytest.raises(TwilioRestException) as caught:
        _send(client, **kwargs)
    return caught.value


# --------------------------------------------------------------------------- success
def test_send_ok_returns_a_twilio_shaped_message(fake: TwilioFake, rest_client: Client) -> None:
    message = _send(rest_client)
    assert re.fullmatch(r"SM[0-9a-f]{32}", message.sid)
    assert (message.status, message.direction, message.num_segments) == (
        "queued",
        "outbound-api",
        "1",
    )
    assert (message.to, message.from_, message.body) == (CITIZEN, SENDER, "Your code is 123456")
    assert message.account_sid == fake.account_sid
    assert message.api_version == "2010-04-01"
    assert message.price is None and message.error_code is None
    assert isinstance(message.date_created, datetime)  # parsed from RFC 2822 by the library
    assert message.uri.endswith(f"/Messages/{message.sid}.json")


def test_fake_stores_the_form_fields_including_status_callback(
    fake: TwilioFake, rest_client: Client
) -> None:
    message = _send(rest_client)
    [stored] = fake.wait_for(1, timeout=1)
    assert stored == {
        "To": CITIZEN,
        "From": SENDER,
        "Body": "Your code is 123456",
        "StatusCallback": CALLBACK,
        "sid": message.sid,
    }
    assert fake.requests_count == 1


def test_fetch_returns_the_stored_message(rest_client: Client) -> None:
    sid = _send(rest_client).sid
    assert rest_client.messages(sid).fetch().body == "Your code is 123456"


def test_messaging_service_send_is_accepted_without_sender(
    fake: TwilioFake, rest_client: Client
) -> None:
    service = "MG" + "a" * 32
    message = rest_client.messages.create(to=CITIZEN, messaging_service_sid=service, body="hi")
    assert (message.status, message.num_segments, message.from_) == ("accepted", "0", None)
    assert fake.messages[0]["MessagingServiceSid"] == service


def test_num_segments_follows_the_body_encoding(rest_client: Client) -> None:
    assert _send(rest_client, body="\u0628" * 71).num_segments == "2"  # 71 Arabic chars: UCS-2


def test_concurrent_sends_are_all_recorded(fake: TwilioFake, rest_client: Client) -> None:
    threads = [threading.Thread(target=_send, args=(rest_client,)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sids = {m["sid"] for m in fake.wait_for(8, timeout=5)}
    assert len(sids) == 8


# --------------------------------------------------------------------------- failures
def test_wrong_credentials_get_401_20003(fake: TwilioFake) -> None:
    bad = make_twilio_client(fake.account_sid, "not-the-token", api_base=fake.url)
    error = _failure_of(bad)
    assert (error.status, error.code) == (401, 20003)
    failure = classify_twilio_error(error)
    assert (failure.kind, failure.reason) == ("permanent", "auth_failed")
    assert fake.messages == []


def test_401_body_and_header_are_twilio_shaped(fake: TwilioFake) -> None:
    url = f"{fake.url}/2010-04-01/Accounts/{fake.account_sid}/Messages.json"
    response = requests.post(url, data={"To": CITIZEN}, auth=(fake.account_sid, "x"), timeout=2)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Basic realm="Twilio API"'
    body = response.json()
    assert {k: body[k] for k in ("code", "message", "more_info", "status")} == {
        "code": 20003,
        "message": "Authenticate",
        "more_info": "https://www.twilio.com/docs/errors/20003",
        "status": 401,
    }


@pytest.mark.parametrize("status", [500, 503])
def test_5xx_is_retryable_then_success(fake: TwilioFake, rest_client: Client, status: int) -> None:
    fake.fail_next(1, status=status)
    error = _failure_of(rest_client)
    failure = classify_twilio_error(error)
    assert (failure.kind, failure.code, failure.status) == ("retry", 20500, status)
    assert _send(rest_client).status == "queued"
    assert len(fake.messages) == 1
    assert fake.requests_count == 2


def test_429_is_retryable_with_retry_after(fake: TwilioFake, rest_client: Client) -> None:
    fake.fail_next(1, status=429, retry_after=7)
    failure = classify_twilio_error(_failure_of(rest_client))
    assert (failure.kind, failure.code, failure.retry_after) == ("retry", 20429, 7.0)
    assert failure.reason == "rate_limited"


def test_429_raw_response_carries_retry_after_header(fake: TwilioFake) -> None:
    fake.fail_next(1, status=429)
    url = f"{fake.url}/2010-04-01/Accounts/{fake.account_sid}/Messages.json"
    auth = (fake.account_sid, fake.auth_token)
    response = requests.post(url, data={"To": CITIZEN}, auth=auth, timeout=2)
    assert (response.status_code, response.headers["Retry-After"]) == (429, "1")
    assert response.json()["code"] == 20429


def test_unsubscribed_recipient_21610_is_permanent(fake: TwilioFake, rest_client: Client) -> None:
    fake.reject_number(CITIZEN, code=21610)
    error = _failure_of(rest_client)
    assert (error.status, error.code) == (400, 21610)
    assert "Attempt to send to unsubscribed recipient" in error.msg
    failure = classify_twilio_error(error)
    assert (failure.kind, failure.code, failure.reason) == ("permanent", 21610, "opted_out")
    assert failure.retry_after is None


def test_invalid_number_21211_is_permanent(fake: TwilioFake, rest_client: Client) -> None:
    fake.reject_number("+97444123456", code=21211)
    error = _failure_of(rest_client, to="+97444123456")
    assert "The 'To' number +97444123456 is not a valid phone number." in error.msg
    failure = classify_twilio_error(error)
    assert (failure.kind, failure.code, failure.reason) == ("permanent", 21211, "invalid_number")


def test_malformed_number_is_rejected_like_twilio(rest_client: Client) -> None:
    assert _failure_of(rest_client, to="55123456").code == 21211


def test_missing_body_is_21602(rest_client: Client) -> None:
    assert _failure_of(rest_client, body="").code == 21602


def test_latency_beyond_client_timeout_is_a_retryable_timeout(fake: TwilioFake) -> None:
    client = make_twilio_client(fake.account_sid, fake.auth_token, fake.url, timeout=0.2)
    fake.latency = 1.0
    # twilio does not wrap transport errors: the raw requests exception escapes.
    with pytest.raises(requests.exceptions.Timeout) as caught:
        _send(client)
    failure = classify_twilio_error(caught.value)
    assert (failure.kind, failure.code, failure.reason) == ("retry", None, "timeout")
    # Twilio still created the message: a blind retry after a timeout can send it twice.
    assert len(fake.wait_for(1, timeout=2)) == 1


def test_connection_refused_is_retryable(fake: TwilioFake) -> None:
    client = make_twilio_client(fake.account_sid, fake.auth_token, fake.url, timeout=1.0)
    fake.stop()
    with pytest.raises(requests.exceptions.ConnectionError) as caught:
        _send(client)
    assert classify_twilio_error(caught.value).kind == "retry"


def test_unknown_message_sid_is_20404(rest_client: Client) -> None:
    with pytest.raises(TwilioRestException) as caught:
        rest_client.messages("SM" + "0" * 32).fetch()
    assert (caught.value.status, caught.value.code) == (404, 20404)


# --------------------------------------------------------------------------- fake switches
def test_reset_clears_state_and_switches(fake: TwilioFake, rest_client: Client) -> None:
    _send(rest_client)
    fake.fail_next(3)
    fake.latency = 0.5
    fake.reset()
    assert (fake.messages, fake.requests_count, fake.latency) == ([], 0, 0.0)
    assert _send(rest_client).status == "queued"


def test_wait_for_times_out(fake: TwilioFake) -> None:
    with pytest.raises(TimeoutError):
        fake.wait_for(1, timeout=0.05)


# --------------------------------------------------------------------------- client helpers
def test_rewrite_url_redirects_every_twilio_domain() -> None:
    http = RedirectingHttpClient("http://127.0.0.1:9999/prefix/", timeout=1)
    api = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?x=1"
    assert http.rewrite_url(api) == (
        "http://127.0.0.1:9999/prefix/2010-04-01/Accounts/AC1/Messages.json?x=1"
    )
    assert http.rewrite_url("https://messaging.twilio.com/v1/Services").startswith(
        "http://127.0.0.1:9999/prefix/v1/"
    )
    assert http.rewrite_url("https://example.com/a") == "https://example.com/a"


def test_default_api_base_leaves_urls_alone() -> None:
    http = RedirectingHttpClient(timeout=1)
    url = "https://messaging.twilio.com/v1/Services"
    assert http.rewrite_url(url) == url


def test_client_has_the_timeout() -> None:
    client = make_twilio_client("AC" + "1" * 32, "token", timeout=3.5)
    assert client.http_client.timeout == 3.5


def test_parse_retry_after_accepts_seconds_and_http_dates() -> None:
    assert parse_retry_after("5") == 5.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    now = datetime(2024, 1, 1, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(later, now=now.timestamp()) == 30.0


def test_classify_rest_error_without_twilio_code() -> None:
    # A non-JSON 502 from a proxy: the library puts the HTTP status in `code`.
    failure = classify_twilio_error(TwilioRestException(502, "/x", "Bad gateway", code=502))
    assert (failure.kind, failure.code, failure.status) == ("retry", None, 502)


def test_classify_unexpected_exception_is_permanent() -> None:
    assert classify_twilio_error(ValueError("bug")).kind == "permanent"


def test_delivery_error_codes_are_described() -> None:
    assert describe_error_code(30003) == "unreachable"
    assert describe_error_code(30007) == "carrier_filtered"
    assert describe_error_code(21408) == "region_not_enabled"
    assert describe_error_code(None) is None
