"""The messaging backbone: outbox -> RQ -> Twilio (the local fake), with every fault."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from core import outbox, sweeper
from core.config import get_settings, override_settings
from core.db import get_session, transaction
from core.errors import ValidationFailed
from core.models.outbox import OutboxMessage, SmsOptOut
from core.queues import get_queue
from core.redis_conn import get_redis
from tests.support import run_worker

pytestmark = pytest.mark.usefixtures("database")

MOBILE, OTHER_MOBILE = "+97455123456", "+97466123456"


def sms(to: str = MOBILE, body: str = "مرحبا", kind: str = "transactional", **kw) -> int:
    return outbox.send_sms(to=to, body=body, kind=kind, language="ar", **kw)


def row(outbox_id: int) -> OutboxMessage:
    session = get_session()
    try:
        return session.get(OutboxMessage, outbox_id)
    finally:
        session.close()


@pytest.fixture()
def no_provider(settings):  # type: ignore[no-untyped-def]
    override_settings(dataclasses.replace(settings, twilio_account_sid=""))
    yield
    override_settings(settings)


def test_an_sms_reaches_twilio_with_our_status_callback(twilio):
    outbox_id = sms(body="Your request 1234567897 was approved.")
    run_worker()
    [sent] = twilio.messages
    assert sent["To"] == MOBILE and sent["From"] == "+97450000000"
    assert sent["StatusCallback"] == "https://bawaba.test/sms/twilio/status"
    message = row(outbox_id)
    assert message.status == "sending" and message.provider_id == sent["sid"]
    assert message.segments == 1 and message.encoding == "GSM-7" and message.attempts == 1


def test_segments_are_recorded_in_the_right_encoding(twilio):
    outbox_id = sms(body="ت" * 71)
    run_worker()
    assert (row(outbox_id).segments, row(outbox_id).encoding) == (2, "UCS-2")


def test_otps_jump_ahead_of_bulk_sends(twilio):
    for n in range(5):
        sms(body=f"campaign {n}", kind="campaign")
    sms(body="transactional", kind="transactional")
    sms(body="otp 123456", kind="otp")
    run_worker()
    bodies = [m["Body"] for m in twilio.messages]
    assert bodies[0] == "otp 123456"
    assert bodies.index("transactional") < bodies.index("campaign 0")


@pytest.mark.parametrize("raw", ["44069999", "+97444069999", "12", "not a phone", ""])
def test_landlines_and_invalid_numbers_are_refused_before_the_outbox(raw):
    with pytest.raises(ValidationFailed) as info:
        sms(to=raw)
    assert "to" in info.value.fields
    with transaction() as session:
        assert session.scalar(select(OutboxMessage)) is None


def test_every_phone_format_is_stored_in_e164(twilio):
    for raw in ("55123456", "0097455123456", "97455123456", "٥٥١٢٣٤٥٦", "+974 5512-3456"):
        assert row(sms(to=raw)).recipient == MOBILE


@pytest.mark.parametrize("status", [500, 503, 429])
def test_server_errors_and_throttling_are_retried_until_sent(twilio, status):
    twilio.fail_next(2, status=status)
    outbox_id = sms()
    run_worker(due_retries=True)
    message = row(outbox_id)
    assert message.status == "sending" and message.attempts == 3
    assert len(twilio.messages) == 1


def test_retries_stop_at_their_limit_and_the_message_fails(twilio):
    twilio.fail_next(100, status=503)
    outbox_id = sms()
    run_worker(due_retries=True)
    message = row(outbox_id)
    assert message.status == "failed" and message.attempts == outbox.MAX_ATTEMPTS
    assert message.error_code == "20500"
    assert twilio.messages == []


def test_a_permanent_error_is_recorded_and_never_retried(twilio):
    twilio.reject_number(MOBILE, code=21211)
    outbox_id = sms()
    run_worker(due_retries=True)
    message = row(outbox_id)
    assert (message.status, message.error_code, message.attempts) == ("failed", "21211", 1)
    assert twilio.requests_count == 1


def test_error_21610_opts_the_number_out_and_later_sends_skip_it(twilio):
    twilio.reject_number(MOBILE, code=21610)
    first = sms()
    run_worker()
    assert (row(first).status, row(first).error_code) == ("failed", "21610")
    with transaction() as session:
        assert session.get(SmsOptOut, MOBILE).provider_blocked
    second = sms(body="another transactional message")
    run_worker()
    assert row(second).status == "opted_out"
    assert twilio.requests_count == 1


def test_stop_silences_campaigns_but_not_transactional_messages(twilio):
    with transaction() as session:
        outbox.opt_out(session, MOBILE, source="keyword")
    campaign, notice = sms(kind="campaign"), sms(kind="transactional")
    run_worker()
    assert row(campaign).status == "opted_out"
    assert row(notice).status == "sending"
    assert [m["Body"] for m in twilio.messages] == ["مرحبا"]


def test_without_credentials_messages_are_kept_as_no_provider(twilio, no_provider, caplog):
    outbox_id = sms()
    run_worker()
    assert row(outbox_id).status == "no_provider"
    assert twilio.requests_count == 0
    assert "no provider" in caplog.text


def test_a_duplicate_job_for_a_sent_message_does_nothing(twilio):
    from sms_gateway.sender import send_sms

    outbox_id = sms()
    run_worker()
    assert send_sms(outbox_id) == "skipped"
    assert len(twilio.messages) == 1


def test_enqueueing_the_same_message_twice_makes_one_job(twilio):
    outbox_id = sms()
    assert outbox.enqueue(outbox_id, "sms", "transactional") is False  # already queued
    assert get_queue("sms").count == 1


def test_the_sweeper_resends_what_redis_lost(twilio):
    outbox_id = sms()
    get_redis().flushdb()  # Redis lost every queued job
    assert sweeper.sweep()["requeued"] == 0  # too recent: the job may still be on its way
    later = outbox.now() + dt.timedelta(minutes=3)
    assert sweeper.sweep(later)["requeued"] == 1
    run_worker()
    assert row(outbox_id).status == "sending" and len(twilio.messages) == 1


def test_the_sweeper_leaves_queued_jobs_alone(twilio):
    sms()
    assert sweeper.sweep(outbox.now() + dt.timedelta(minutes=3))["requeued"] == 0
    assert get_queue("sms").count == 1


def test_the_sweeper_times_out_messages_with_no_receipt_after_72_hours(twilio):
    outbox_id = sms()
    run_worker()
    result = sweeper.sweep(outbox.now() + dt.timedelta(hours=73))
    assert result["timed_out"] == 1 and row(outbox_id).status == "timed_out"


def test_with_redis_down_messages_wait_in_the_outbox_then_go(twilio, settings, caplog):
    override_settings(dataclasses.replace(settings, redis_url="redis://127.0.0.1:1/0"))
    try:
        outbox_id = sms()  # the business transaction still commits
    finally:
        override_settings(settings)
    assert row(outbox_id).status == "pending"
    assert "left for the sweeper" in caplog.text
    sweeper.sweep(outbox.now() + dt.timedelta(minutes=3))
    run_worker()
    assert row(outbox_id).status == "sending"


def test_readiness_reports_redis_down(client, settings):
    override_settings(dataclasses.replace(settings, redis_url="redis://127.0.0.1:1/0"))
    try:
        response = client.get("/readyz")
    finally:
        override_settings(settings)
    assert response.status_code == 503 and response.get_json()["down"] == ["redis"]


def test_metrics_show_outbox_counts_and_sweeper_totals(client, twilio):
    sms()
    run_worker()
    sweeper.sweep()
    text = client.get("/metrics").get_data(as_text=True)
    assert 'bawaba_outbox_messages{channel="sms",status="sending"} 1.0' in text
    assert "bawaba_sweeper_requeued_total" in text


def test_settings_have_the_fake_wired(settings):
    assert get_settings().twilio_api_base.startswith("http://127.0.0.1")
