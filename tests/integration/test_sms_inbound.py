"""SMS commands over Twilio, as a feature-phone user sends them (signed like Twilio)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.db import transaction
from core.models import Complaint, InboundMessage, SmsOptOut
from sms_gateway import segments
from tests.support import sms_in, twilio_post

pytestmark = pytest.mark.usefixtures("database")


def arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def fits_three_segments(text: str) -> bool:
    return segments.count(text).segments <= 3


def count(model) -> int:  # type: ignore[no-untyped-def]
    with transaction() as session:
        return session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("body, expect_arabic, must_contain", [
    ("HELP", False, "FIND"),
    ("help", False, "STATUS"),
    ("مساعدة", True, None),
    ("", True, None),
    ("   ", True, None),
    ("blah blah", False, "FIND"),
    ("كلام غير مفهوم", True, None),
    ("FIND residence permit", False, "1001"),
    ("find RENEW RESIDNCE", False, "1001"),
    ("بحث تجديد الاقامه", True, "1001"),
    ("بحث تجديد الإقامة", True, "1001"),
    ("INFO 1001", False, "1001"),
    ("معلومات ١٠٠١", True, "1001"),
    ("INFO MOI-RP-RENEW", False, "1001"),
    ("INFO", False, "INFO"),
    ("STATUS 1234567890", False, "check"),
    ("حالة ١٢٣٤٥٦٧٨٩٧", True, "1234567897"),
    ("OFFICE 56", False, None),
    ("مكتب 1001", True, None),
    ("LANG", False, "LANG"),
    ("😀😀😀", True, None),
    ("FIND " + "word " * 320, False, None),
    ("Find ' OR 1=1 --", False, None),
])
def test_command_table(client, settings, body, expect_arabic, must_contain):
    reply = sms_in(client, settings, body)
    assert reply and fits_three_segments(reply)
    assert arabic(reply) == expect_arabic, reply
    if must_contain:
        assert must_contain in reply


def test_more_pages_through_the_last_find(client, settings):
    first = sms_in(client, settings, "FIND licence")
    second = sms_in(client, settings, "MORE")
    first_numbers = {w for w in first.split() if w.isdigit()}
    second_numbers = {w for w in second.split() if w.isdigit()}
    assert first_numbers and second_numbers and not first_numbers & second_numbers


def test_more_without_a_find_says_so(client, settings):
    assert "FIND" in sms_in(client, settings, "MORE")


def test_complain_then_follow_it_by_sms(client, settings):
    reply = sms_in(client, settings, "COMPLAIN The street light in zone 56 is broken")
    reference = next(w.strip(".") for w in reply.split() if w.strip(".").isdigit()
                     and len(w.strip(".")) == 10)
    status = sms_in(client, settings, f"STATUS {reference}")
    assert reference in status and "open" in status
    stranger = sms_in(client, settings, f"STATUS {reference}", sender="+97466123456")
    assert "No request or complaint" in stranger  # same answer as for a number never issued
    with transaction() as session:
        complaint = session.scalar(select(Complaint))
        assert complaint.channel == "sms" and complaint.phone == "+97455123456"


def test_arabic_complaint_gets_an_arabic_reference_reply(client, settings):
    reply = sms_in(client, settings, "شكوى تأخر الرد على طلبي")
    assert arabic(reply) and any(len(w) == 10 and w.isdigit() for w in reply.split())


def test_a_retried_message_gets_the_same_reply_and_changes_nothing(client, settings):
    first = sms_in(client, settings, "COMPLAIN noisy works at night", sid="SM" + "7" * 32)
    again = sms_in(client, settings, "COMPLAIN noisy works at night", sid="SM" + "7" * 32)
    assert first == again
    assert count(Complaint) == 1 and count(InboundMessage) == 1


def test_stop_and_start(client, settings):
    assert "START" in sms_in(client, settings, "STOP")
    with transaction() as session:
        assert session.get(SmsOptOut, "+97455123456") is not None
    sms_in(client, settings, "اشتراك")
    with transaction() as session:
        assert session.get(SmsOptOut, "+97455123456") is None


def test_language_choice_persists(client, settings):
    assert not arabic(sms_in(client, settings, "LANG EN"))
    assert not arabic(sms_in(client, settings, "????"))  # no keyword: the saved language
    assert arabic(sms_in(client, settings, "لغة عربي"))
    assert arabic(sms_in(client, settings, "1234"))


def test_unsigned_and_forged_messages_are_refused_and_not_stored(client, settings):
    params = {"MessageSid": "SM" + "1" * 32, "From": "+97455123456", "Body": "HELP"}
    assert client.post("/sms/twilio/inbound", data=params).status_code == 403
    forged = twilio_post(client, settings, "/sms/twilio/inbound", params, token="wrong")
    assert forged.status_code == 403
    assert count(InboundMessage) == 0


def test_missing_fields_are_answered_without_error(client, settings):
    response = twilio_post(client, settings, "/sms/twilio/inbound", {"Body": "HELP"})
    assert response.status_code == 200 and response.mimetype == "text/xml"


def test_an_auto_responder_loop_is_cut_off(client, settings):
    replies = [sms_in(client, settings, "I am out of office") for _ in range(12)]
    assert all(replies[:8])
    assert "many messages" in replies[8]
    assert replies[9:] == ["", "", ""]
