"""Push: transactional notifications to every device with SMS as the safety net, and agency
campaigns through the real firebase-admin against the FCM fake."""
from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from sqlalchemy import select

from core import outbox
from core.db import transaction
from core.identity import create_staff
from core.models import Campaign, CampaignDelivery, Device
from tests.factories import citizen, many_followers
from tests.support import run_worker

pytestmark = pytest.mark.usefixtures("database")

MIDDAY = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)  # 12:00 in Qatar
NIGHT = dt.datetime(2026, 12, 2, 20, 0, tzinfo=dt.UTC)  # 23:00 in Qatar
TEXTS = {"title": {"ar": "تنبيه", "en": "Notice"},
         "body": {"ar": "مكاتب مغلقة يوم العيد الوطني", "en": "Offices closed on National Day"}}


def campaign(client, key, **extra):  # type: ignore[no-untyped-def]
    body = {**TEXTS, "audience": {"followers": True}, "sms_fallback": True, **extra}
    return client.post("/api/v1/agency/campaigns", json=body, headers={"X-Api-Key": key})


def stats(client, key, campaign_id):  # type: ignore[no-untyped-def]
    return client.get(f"/api/v1/agency/campaigns/{campaign_id}",
                      headers={"X-Api-Key": key}).get_json()


def test_a_request_update_reaches_every_device_and_no_sms(client, fcm, twilio, gdp_key):
    from tests.support import bearer, sign_in

    tokens = sign_in(client, twilio)
    headers = bearer(tokens)
    for token, lang in (("phone-1", "ar"), ("tablet-1", "en")):
        client.post("/api/v1/me/devices", json={"token": token, "platform": "android",
                                                "language": lang}, headers=headers)
    body = {"service_code": "MOI-RP-RENEW",
            "fields": {"qid": "28463412345", "passport_no": "P1", "years": "1",
                       "sponsorship_type": "family"}}
    reference = client.post("/api/v1/requests", json=body, headers=headers).get_json()["reference"]
    run_worker()
    sms_before = len(twilio.messages)
    client.post(f"/api/v1/agency/requests/{reference}/status", json={"status": "in_review"},
                headers={"X-Api-Key": gdp_key})
    run_worker()
    assert len(fcm.sent_to("phone-1")) == 1 and len(fcm.sent_to("tablet-1")) == 1
    assert reference in fcm.sent_to("phone-1")[0]["notification"]["title"]
    assert len(twilio.messages) == sms_before


def test_a_dead_token_is_pruned_and_the_others_still_get_it(fcm, twilio):
    person = citizen("+97455123456", devices=(("dead", "ar"), ("alive", "ar")))
    fcm.unregister("dead")
    with transaction() as session:
        outbox.add_message(session, channel="push", kind="transactional",
                           recipient=f"citizen:{person}", language="ar", citizen_id=person,
                           payload={"title": "ت", "body": "ب", "data": {}, "sms_fallback": "x"})
    run_worker()
    assert len(fcm.sent_to("alive")) == 1
    with transaction() as session:
        assert {d.token for d in session.scalars(select(Device))} == {"alive"}
    assert twilio.messages == []


def test_when_no_device_takes_it_an_sms_goes_instead(fcm, twilio):
    person = citizen("+97455123456", devices=(("gone", "ar"),))
    fcm.unregister("gone")
    with transaction() as session:
        outbox.add_message(session, channel="push", kind="transactional",
                           recipient=f"citizen:{person}", language="ar", citizen_id=person,
                           payload={"title": "ت", "body": "ب", "data": {},
                                    "sms_fallback": "الطلب: مقبول"})
    run_worker()
    assert [m["Body"] for m in twilio.messages] == ["الطلب: مقبول"]


def test_a_campaign_reaches_each_follower_once_in_their_language(client, fcm, twilio, gdp_key):
    citizen("+97455000001", devices=(("ar-phone", "ar"),), follows=("MOI-GDP",))
    citizen("+97455000002", language="en", devices=(("en-phone", "en"),), follows=("MOI-GDP",))
    citizen("+97455000003", language="en", follows=("MOI-GDP",))  # no device: SMS
    stopped = citizen("+97455000004", follows=("MOI-GDP",))  # no device, said STOP
    citizen("+97455000005", devices=(("not-following", "ar"),))
    with transaction() as session:
        outbox.opt_out(session, "+97455000004", source="keyword")
    with time_machine.travel(MIDDAY, tick=True):
        response = campaign(client, gdp_key)
        assert response.status_code == 201
        campaign_id = response.get_json()["id"]
        run_worker()
        run_worker()  # a second run of everything sends nothing new
    assert fcm.sent_to("ar-phone")[0]["notification"]["title"] == "تنبيه"
    assert fcm.sent_to("en-phone")[0]["notification"]["title"] == "Notice"
    assert len(fcm.sent_to("ar-phone")) == len(fcm.sent_to("en-phone")) == 1
    assert fcm.sent_to("not-following") == []
    assert [m["To"] for m in twilio.messages] == ["+97455000003"]
    assert twilio.messages[0]["Body"].startswith("Notice")
    figures = stats(client, gdp_key, campaign_id)
    assert figures["status"] == "sent"
    assert (figures["targeted"], figures["sent"], figures["sms_fallback"]) == (4, 3, 1)
    assert stopped


def test_no_campaign_outside_the_sending_window(client, fcm, gdp_key):
    citizen("+97455000001", devices=(("ar-phone", "ar"),), follows=("MOI-GDP",))
    with time_machine.travel(NIGHT, tick=True):
        campaign_id = campaign(client, gdp_key).get_json()["id"]
        run_worker()
        assert fcm.sent_to("ar-phone") == []
        assert stats(client, gdp_key, campaign_id)["status"] == "scheduled"
    with time_machine.travel(NIGHT + dt.timedelta(hours=9, minutes=5), tick=True):
        run_worker(due_retries=True)  # the job RQ's scheduler holds for 08:00 becomes due
    assert len(fcm.sent_to("ar-phone")) == 1


def test_a_scheduled_campaign_can_be_cancelled_before_it_goes(client, fcm, gdp_key):
    citizen("+97455000001", devices=(("ar-phone", "ar"),), follows=("MOI-GDP",))
    with time_machine.travel(MIDDAY, tick=True):
        later = (MIDDAY + dt.timedelta(hours=2)).isoformat()
        campaign_id = campaign(client, gdp_key, send_at=later).get_json()["id"]
        cancel = client.post(f"/api/v1/agency/campaigns/{campaign_id}/cancel",
                             headers={"X-Api-Key": gdp_key})
        assert cancel.get_json()["status"] == "cancelled"
        run_worker(due_retries=True)
    assert fcm.sent_to("ar-phone") == []
    again = client.post(f"/api/v1/agency/campaigns/{campaign_id}/cancel",
                        headers={"X-Api-Key": gdp_key})
    assert again.status_code == 409


def test_cancelling_a_sent_campaign_is_a_conflict(client, fcm, gdp_key):
    with time_machine.travel(MIDDAY, tick=True):
        campaign_id = campaign(client, gdp_key).get_json()["id"]
        run_worker()
    assert stats(client, gdp_key, campaign_id)["status"] == "sent"
    response = client.post(f"/api/v1/agency/campaigns/{campaign_id}/cancel",
                           headers={"X-Api-Key": gdp_key})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "conflict"


def test_an_error_burst_pauses_the_campaign_and_dead_tokens_are_pruned(client, fcm, gdp_key):
    tokens = many_followers(30, "MOI-GDP")
    for token in tokens:
        fcm.unregister(token)
    with time_machine.travel(MIDDAY, tick=True):
        campaign_id = campaign(client, gdp_key, sms_fallback=False).get_json()["id"]
        run_worker()
    figures = stats(client, gdp_key, campaign_id)
    assert figures["status"] == "paused" and figures["status_reason"] == "error_burst"
    assert figures["pruned"] == 30 and figures["failed"] == 30


def test_a_large_campaign_goes_out_in_batches(client, fcm, gdp_key):
    tokens = many_followers(1100, "MOI-GDP")
    with time_machine.travel(MIDDAY, tick=True):
        campaign_id = campaign(client, gdp_key).get_json()["id"]
        run_worker()
    assert all(len(fcm.sent_to(t)) == 1 for t in tokens[::50])
    assert fcm.sent_count == 1100
    assert stats(client, gdp_key, campaign_id)["sent"] == 1100


@pytest.mark.parametrize("body, field", [
    ({"title": {"ar": "ت"}, "body": TEXTS["body"], "audience": {"all": True}}, "title.en"),
    ({**TEXTS, "audience": {"everyone": True}}, "audience"),
    ({**TEXTS, "audience": {"segment": {"shoe_size": 9}}}, "audience.segment"),
    ({**TEXTS, "audience": {"segment": {"language": "fr"}}}, "audience.segment.language"),
    ({**TEXTS, "audience": {"all": True}, "send_at": "2020-01-01T00:00:00Z"}, "send_at"),
    ({**TEXTS, "audience": {"all": True}, "send_at": "tomorrow"}, "send_at"),
    ({**TEXTS, "audience": {"all": True}, "sms_fallback": "yes"}, "sms_fallback"),
])
def test_bad_campaigns_name_the_field(client, gdp_key, body, field):
    response = client.post("/api/v1/agency/campaigns", json=body, headers={"X-Api-Key": gdp_key})
    assert response.status_code == 400
    assert field in response.get_json()["error"]["fields"]


def test_another_agencys_campaign_is_not_found(client, fcm, gdp_key, other_agency_key):
    with time_machine.travel(MIDDAY, tick=True):
        campaign_id = campaign(client, gdp_key).get_json()["id"]
    response = client.get(f"/api/v1/agency/campaigns/{campaign_id}",
                          headers={"X-Api-Key": other_agency_key})
    assert response.status_code == 404


def test_segments_select_by_language_and_zone(client, fcm, gdp_key):
    citizen("+97455000001", devices=(("doha-ar", "ar"),), zone=5)
    citizen("+97455000002", language="en", devices=(("doha-en", "en"),), zone=6)
    citizen("+97455000003", devices=(("wakrah-ar", "ar"),), zone=91)
    audience = {"segment": {"language": "ar", "municipality": "Doha"}}
    with time_machine.travel(MIDDAY, tick=True):
        campaign(client, gdp_key, audience=audience)
        run_worker()
    assert [bool(fcm.sent_to(t)) for t in ("doha-ar", "doha-en", "wakrah-ar")] == [
        True, False, False]


def test_only_managers_among_staff_send_campaigns(client, twilio, gdp_key):
    from tests.integration.test_requests import sign_in_staff

    create_staff("+97477123456", "MOI-GDP", "officer")
    officer = sign_in_staff(client, twilio, "+97477123456")
    body = {**TEXTS, "audience": {"all": True}}
    assert client.post("/api/v1/agency/campaigns", json=body, headers=officer).status_code == 403


def test_deliveries_are_one_row_per_citizen(client, fcm, gdp_key):
    citizen("+97455000001", devices=(("a", "ar"), ("b", "en")), follows=("MOI-GDP",))
    with time_machine.travel(MIDDAY, tick=True):
        campaign(client, gdp_key)
        run_worker()
    with transaction() as session:
        rows = session.scalars(select(CampaignDelivery)).all()
        assert len(rows) == 1 and rows[0].status == "sent"
        assert session.scalar(select(Campaign)).sent == 1
    assert len(fcm.sent_to("a")) == len(fcm.sent_to("b")) == 1


def test_fcm_topics_follow_the_agencies_a_citizen_follows(client, fcm, twilio):
    from tests.support import bearer, sign_in

    headers = bearer(sign_in(client, twilio))
    client.post("/api/v1/me/devices", json={"token": "phone-ar", "platform": "android",
                                            "language": "ar"}, headers=headers)
    client.put("/api/v1/me/subscriptions", json={"agencies": ["MOI", "KAHRAMAA"]},
               headers=headers)
    run_worker()
    assert "phone-ar" in fcm.topics.get("agency-moi-ar", set())
    assert "phone-ar" in fcm.topics.get("agency-kahramaa-ar", set())
    client.put("/api/v1/me/subscriptions", json={"agencies": ["MOI"]}, headers=headers)
    run_worker()
    assert "phone-ar" not in fcm.topics.get("agency-kahramaa-ar", set())
    client.delete("/api/v1/me/devices/phone-ar", headers=headers)
    run_worker()
    assert "phone-ar" not in fcm.topics.get("agency-moi-ar", set())
