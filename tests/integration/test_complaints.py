"""Complaints and inquiries: filed by the citizen, answered by the agency, reopened by a
citizen reply, closed; the citizen hears of every answer."""
from __future__ import annotations

import pytest

from core import references
from tests.support import bearer, run_worker, sign_in

pytestmark = pytest.mark.usefixtures("database")

COMPLAINT = {"kind": "complaint", "text": "تأخر تجديد الإقامة أكثر من شهر", "agency": "MOI-GDP",
             "location": {"lat": 25.28, "lng": 51.52}}


@pytest.fixture()
def citizen(client, twilio):  # type: ignore[no-untyped-def]
    return bearer(sign_in(client, twilio))


def file(client, headers, body=COMPLAINT):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/complaints", json=body, headers=headers)


def test_a_complaint_is_filed_with_a_reference(client, citizen):
    response = file(client, citizen)
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "open" and references.is_valid(body["reference"])
    assert body["channel"] == "app" and body["agency"]["code"] == "MOI-GDP"
    assert client.get("/api/v1/complaints", headers=citizen).get_json()["total"] == 1


@pytest.mark.parametrize("body, fields", [
    ({"kind": "rant", "text": "x"}, {"kind"}),
    ({"kind": "complaint", "text": "  "}, {"text"}),
    ({"kind": "inquiry"}, {"text"}),
    ({"kind": "complaint", "text": "x" * 2001}, {"text"}),
    ({"kind": "complaint", "text": "x", "agency": "NOPE"}, {"agency"}),
    ({"kind": "complaint", "text": "x", "service_code": "NOPE"}, {"service_code"}),
    ({"kind": "complaint", "text": "x", "location": {"lat": "north"}}, {"location"}),
])
def test_bad_complaints_name_the_field(client, citizen, body, fields):
    response = file(client, citizen, body)
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == fields


def test_a_service_complaint_goes_to_the_services_agency(client, citizen):
    body = {"kind": "inquiry", "text": "كم الرسوم؟", "service_code": "1001"}
    assert file(client, citizen, body).get_json()["agency"]["code"] == "MOI-GDP"


def test_the_agency_answers_the_citizen_replies_and_it_reopens(client, twilio, citizen,
                                                              gdp_key):
    reference = file(client, citizen).get_json()["reference"]
    run_worker()
    before = len(twilio.messages)
    key = {"X-Api-Key": gdp_key}
    reply = client.post(f"/api/v1/agency/complaints/{reference}/reply",
                        json={"text": "نعتذر، تمت معالجة طلبك"}, headers=key)
    assert reply.status_code == 200 and reply.get_json()["status"] == "answered"
    run_worker()
    assert reference in twilio.messages[before]["Body"]
    mine = client.get(f"/api/v1/complaints/{reference}", headers=citizen).get_json()
    assert mine["replies"][0]["author"] == "agency"
    again = client.post(f"/api/v1/complaints/{reference}/replies", json={"text": "لم يصل"},
                        headers=citizen)
    assert again.get_json()["status"] == "open"
    closed = client.post(f"/api/v1/agency/complaints/{reference}/close", headers=key)
    assert closed.get_json()["status"] == "closed"
    late = client.post(f"/api/v1/agency/complaints/{reference}/reply", json={"text": "x"},
                       headers=key)
    assert late.status_code == 409


def test_other_citizens_and_agencies_see_nothing(client, twilio, citizen, other_agency_key):
    reference = file(client, citizen).get_json()["reference"]
    stranger = bearer(sign_in(client, twilio, "+97466123456"))
    assert client.get(f"/api/v1/complaints/{reference}", headers=stranger).status_code == 404
    response = client.post(f"/api/v1/agency/complaints/{reference}/reply", json={"text": "x"},
                           headers={"X-Api-Key": other_agency_key})
    assert response.status_code == 404


def test_agency_lists_filter_by_status(client, citizen, gdp_key):
    file(client, citizen)
    key = {"X-Api-Key": gdp_key}
    assert client.get("/api/v1/agency/complaints?status=open", headers=key
                      ).get_json()["total"] == 1
    assert client.get("/api/v1/agency/complaints?status=closed", headers=key
                      ).get_json()["total"] == 0
    assert client.get("/api/v1/agency/complaints?status=lost", headers=key).status_code == 400
