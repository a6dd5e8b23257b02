"""Twilio delivery callbacks: signed, idempotent, never backwards out of a final state."""
from __future__ import annotations

import pytest
from twilio.request_validator import RequestValidator

from core import outbox
from core.db import get_session, transaction
from core.models.outbox import OutboxMessage, SmsOptOut
from tests.support import run_worker

pytestmark = pytest.mark.usefixtures("database")

URL = "https://bawaba.test/sms/twilio/status"


def post_signed(client, settings, params: dict, *, token: str | None = None,
                url: str = URL):  # type: ignore[no-untyped-def]
    signature = RequestValidator(token or settings.twilio_auth_token).compute_signature(
        url, params)
    return client.post("/sms/twilio/status", data=params,
                       headers={"X-Twilio-Signature": signature})


def status_of(outbox_id: int) -> str:
    session = get_session()
    try:
        return session.get(OutboxMessage, outbox_id).status
    finally:
        session.close()


@pytest.fixture()
def sent(twilio) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    outbox_id = outbox.send_sms(to="+97455123456", body="hello", kind="transactional",
                                language="en")
    run_worker()
    return outbox_id, twilio.messages[0]["sid"]


def receipt(sid: str, status: str, **extra: str) -> dict[str, str]:
    return {"MessageSid": sid, "MessageStatus": status, "To": "+97455123456",
            "AccountSid": "AC123", **extra}


def test_a_delivered_receipt_marks_the_message_delivered(client, settings, sent):
    outbox_id, sid = sent
    assert post_signed(client, settings, receipt(sid, "delivered")).status_code == 200
    assert status_of(outbox_id) == "delivered"


def test_duplicate_and_late_receipts_change_nothing(client, settings, sent):
    outbox_id, sid = sent
    for status in ("delivered", "delivered", "sent", "queued", "failed"):
        assert post_signed(client, settings, receipt(sid, status)).status_code == 200
    assert status_of(outbox_id) == "delivered"


def test_receipts_move_forward_through_sent(client, settings, sent):
    outbox_id, sid = sent
    post_signed(client, settings, receipt(sid, "sent"))
    assert status_of(outbox_id) == "sent"
    post_signed(client, settings, receipt(sid, "undelivered", ErrorCode="30003"))
    assert status_of(outbox_id) == "undelivered"


@pytest.mark.parametrize("status", ["accepted", "scheduled", "queued", "sending", "sent",
                                    "delivered", "undelivered", "failed", "receiving",
                                    "received", "read", "partially_delivered", "canceled"])
def test_every_twilio_status_is_accepted(client, settings, sent, status):
    assert post_signed(client, settings, receipt(sent[1], status)).status_code == 200


def test_an_unknown_status_is_a_400(client, settings, sent):
    response = post_signed(client, settings, receipt(sent[1], "exploded"))
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "validation_failed"
    assert status_of(sent[0]) == "sending"


def test_missing_fields_are_ignored_with_200(client, settings, sent):
    assert post_signed(client, settings, {"MessageSid": sent[1]}).status_code == 200
    assert post_signed(client, settings, {}).status_code == 200
    assert status_of(sent[0]) == "sending"


def test_unsigned_and_forged_callbacks_are_refused_and_change_nothing(client, settings, sent):
    params = receipt(sent[1], "delivered")
    assert client.post("/sms/twilio/status", data=params).status_code == 403
    forged = post_signed(client, settings, params, token="not-our-token")
    assert forged.status_code == 403
    wrong_url = post_signed(client, settings, params, url="https://evil.test/sms/twilio/status")
    assert wrong_url.status_code == 403
    assert status_of(sent[0]) == "sending"


def test_error_21610_in_a_receipt_opts_the_number_out(client, settings, sent):
    post_signed(client, settings, receipt(sent[1], "failed", ErrorCode="21610"))
    assert status_of(sent[0]) == "failed"
    with transaction() as session:
        assert session.get(SmsOptOut, "+97455123456").provider_blocked


def test_a_receipt_for_an_unknown_message_is_harmless(client, settings):
    assert post_signed(client, settings, receipt("SM" + "0" * 32, "delivered")).status_code == 200
