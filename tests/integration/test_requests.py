"""Service requests: submit against the form, track, upload documents; agencies move them
through the status machine and the citizen hears about every change."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from core import references
from core.db import transaction
from core.identity import create_staff
from core.models import ServiceRequest, UsageEvent
from tests.support import bearer, run_worker, sign_in

pytestmark = pytest.mark.usefixtures("database")

RENEWAL = {"service_code": "MOI-RP-RENEW",
           "fields": {"qid": "28463412345", "passport_no": "P1234567", "years": "2",
                      "sponsorship_type": "family", "number_of_cards": "٢"}}
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture()
def citizen(client, twilio):  # type: ignore[no-untyped-def]
    return bearer(sign_in(client, twilio))


def submit(client, headers, body=RENEWAL, **kw):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/requests", json=body, headers=headers, **kw)


def count_requests() -> int:
    with transaction() as session:
        return session.scalar(select(func.count()).select_from(ServiceRequest))


def test_a_request_gets_a_keypad_friendly_reference(client, citizen):
    response = submit(client, citizen)
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["status"] == "submitted" and references.is_valid(body["reference"])
    assert body["fields"]["number_of_cards"] == 2 and body["fields"]["years"] == "2"
    detail = client.get(f"/api/v1/requests/{body['reference']}", headers=citizen).get_json()
    assert [h["status"] for h in detail["history"]] == ["submitted"]
    listing = client.get("/api/v1/requests", headers=citizen).get_json()
    assert listing["total"] == 1 and listing["items"][0]["reference"] == body["reference"]


def test_form_answers_are_validated_field_by_field_with_nothing_written(client, citizen):
    bad = {"service_code": "MOI-RP-RENEW",
           "fields": {"passport_no": "x" * 600, "years": "9", "colour": "blue",
                      "number_of_cards": "many"}}
    response = submit(client, citizen, bad)
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {
        "fields.qid", "fields.sponsorship_type", "fields.passport_no", "fields.years",
        "fields.colour", "fields.number_of_cards"}
    assert count_requests() == 0


def test_dates_and_multi_value_lists_are_checked(client, citizen):
    body = {"service_code": "SJC-MARRIAGE-CERT",
            "fields": {"husband_qid": "28463412345", "wife_qid": "29063412345",
                       "marriage_date": "31/12/2020"}}
    response = submit(client, citizen, body)
    assert "fields.marriage_date" in response.get_json()["error"]["fields"]
    body["fields"]["marriage_date"] = "٢٠٢٠-١٢-٣١"
    assert submit(client, citizen, body).get_json()["fields"]["marriage_date"] == "2020-12-31"


def test_unknown_and_information_only_services_take_no_requests(client, citizen):
    assert submit(client, citizen, {"service_code": "NOPE"}).status_code == 404
    response = submit(client, citizen, {"service_code": "MOI-GDP-VISITOR-INFO"})
    assert response.status_code == 400
    assert "service_code" in response.get_json()["error"]["fields"]


def test_postal_delivery_needs_an_address_and_a_service_that_posts(client, citizen):
    post = {**RENEWAL, "delivery": {"method": "post"}}
    response = submit(client, citizen, post)
    assert response.status_code == 400
    assert any(f.startswith("delivery.address") for f in response.get_json()["error"]["fields"])
    post["delivery"]["address"] = {"zone": 56, "street": 340, "building": 12}
    assert submit(client, citizen, post).get_json()["delivery"]["method"] == "post"
    no_post = {"service_code": "KAHRAMAA-BILL-INQ", "fields": {"account_no": "123456"},
               "delivery": {"method": "post", "address": {"zone": 1, "street": 1,
                                                          "building": 1}}}
    response = submit(client, citizen, no_post)
    assert response.status_code == 400
    assert "delivery.method" in response.get_json()["error"]["fields"]


def test_a_replayed_idempotency_key_returns_the_first_response(client, citizen):
    headers = {**citizen, "Idempotency-Key": "abc-123"}
    first = submit(client, headers)
    second = submit(client, headers)
    assert first.status_code == second.status_code == 201
    assert first.get_json() == second.get_json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert count_requests() == 1
    other_body = submit(client, headers, {**RENEWAL, "fields": {**RENEWAL["fields"],
                                                               "years": "3"}})
    assert other_body.status_code == 409


def test_another_citizens_request_does_not_exist_for_you(client, twilio, citizen):
    reference = submit(client, citizen).get_json()["reference"]
    stranger = bearer(sign_in(client, twilio, "+97466123456"))
    assert client.get(f"/api/v1/requests/{reference}", headers=stranger).status_code == 404
    upload = {"file": (io.BytesIO(PDF), "p.pdf")}
    assert client.post(f"/api/v1/requests/{reference}/documents", data=upload,
                       headers=stranger).status_code == 404


def test_documents_are_checked_by_content_and_size(client, citizen):
    reference = submit(client, citizen).get_json()["reference"]
    url = f"/api/v1/requests/{reference}/documents"
    ok = client.post(url, data={"file": (io.BytesIO(PDF), "passport.pdf")}, headers=citizen)
    assert ok.status_code == 201
    assert ok.get_json() | {"id": 0} == {"id": 0, "name": "passport.pdf", "size": len(PDF),
                                         "content_type": "application/pdf"}
    png_named_pdf = client.post(url, data={"file": (io.BytesIO(PNG), "x.pdf")}, headers=citizen)
    assert png_named_pdf.get_json()["content_type"] == "image/png"
    exe = client.post(url, data={"file": (io.BytesIO(b"MZ\x90\x00" * 10), "cv.pdf")},
                      headers=citizen)
    assert exe.status_code == 415 and exe.get_json()["error"]["code"] == "unsupported_media_type"
    big = client.post(url, data={"file": (io.BytesIO(PDF + b"0" * (10 * 1024 * 1024)), "b.pdf")},
                      headers=citizen)
    assert big.status_code == 413 and big.get_json()["error"]["code"] == "payload_too_large"
    assert client.post(url, data={}, headers=citizen).status_code == 400
    detail = client.get(f"/api/v1/requests/{reference}", headers=citizen).get_json()
    assert len(detail["documents"]) == 2


def move(client, key, reference, status, note=None):  # type: ignore[no-untyped-def]
    body = {"status": status} if note is None else {"status": status, "note": note}
    return client.post(f"/api/v1/agency/requests/{reference}/status", json=body,
                       headers={"X-Api-Key": key})


def test_the_agency_moves_a_request_and_the_citizen_is_told_in_arabic(client, twilio, citizen,
                                                                     gdp_key):
    reference = submit(client, citizen).get_json()["reference"]
    run_worker()
    before = len(twilio.messages)
    assert move(client, gdp_key, reference, "in_review").status_code == 200
    note = {"ar": "تمت الموافقة", "en": "Approved"}
    assert move(client, gdp_key, reference, "approved", note).status_code == 200
    assert move(client, gdp_key, reference, "completed").status_code == 200
    run_worker()
    texts = [m["Body"] for m in twilio.messages[before:]]
    assert len(texts) == 3 and all(reference in t for t in texts)
    assert "مقبول" in texts[1]
    detail = client.get(f"/api/v1/requests/{reference}?lang=en", headers=citizen).get_json()
    assert [h["status"] for h in detail["history"]] == ["submitted", "in_review", "approved",
                                                         "completed"]
    assert detail["history"][2]["note"] == "Approved"


@pytest.mark.parametrize("path, status", [
    (["approved"], 409), (["in_review", "completed"], 409), (["in_review", "dispatched"], 409),
    (["in_review", "rejected", "in_review"], 409), (["nonsense"], 400),
])
def test_illegal_transitions_are_conflicts(client, citizen, gdp_key, path, status):
    reference = submit(client, citizen).get_json()["reference"]
    responses = [move(client, gdp_key, reference, s) for s in path]
    assert responses[-1].status_code == status
    assert all(r.status_code == 200 for r in responses[:-1])


def test_postal_requests_are_dispatched_then_delivered(client, citizen, gdp_key):
    body = {**RENEWAL, "delivery": {"method": "post",
                                    "address": {"zone": 90, "street": 1, "building": 5}}}
    reference = submit(client, citizen, body).get_json()["reference"]
    for status in ("in_review", "approved"):
        move(client, gdp_key, reference, status)
    assert move(client, gdp_key, reference, "completed").status_code == 409
    assert move(client, gdp_key, reference, "dispatched").status_code == 200
    assert move(client, gdp_key, reference, "delivered").status_code == 200


def test_another_agency_sees_nothing(client, citizen, other_agency_key):
    reference = submit(client, citizen).get_json()["reference"]
    assert move(client, other_agency_key, reference, "in_review").status_code == 404
    listing = client.get("/api/v1/agency/requests", headers={"X-Api-Key": other_agency_key})
    assert listing.get_json()["total"] == 0


def test_agency_calls_need_a_valid_key_or_staff_role(client, twilio, citizen, gdp_key):
    reference = submit(client, citizen).get_json()["reference"]
    assert client.get("/api/v1/agency/requests").status_code == 401
    assert client.get("/api/v1/agency/requests",
                      headers={"X-Api-Key": "bwb_nope_nope"}).status_code == 401
    assert client.get("/api/v1/agency/requests", headers=citizen).status_code == 403
    create_staff("+97477123456", "MOI-GDP", "viewer")
    viewer = sign_in_staff(client, twilio, "+97477123456")
    assert client.get("/api/v1/agency/requests", headers=viewer).get_json()["total"] == 1
    denied = client.post(f"/api/v1/agency/requests/{reference}/status",
                         json={"status": "in_review"}, headers=viewer)
    assert denied.status_code == 403
    create_staff("+97477123456", "MOI-GDP", "officer")
    allowed = client.post(f"/api/v1/agency/requests/{reference}/status",
                          json={"status": "in_review"}, headers=viewer)
    assert allowed.status_code == 200
    history = allowed.get_json()["history"]
    assert history[-1]["status"] == "in_review"


def sign_in_staff(client, twilio, phone):  # type: ignore[no-untyped-def]
    from tests.support import code_in

    before = len(twilio.messages)
    client.post("/api/v1/auth/otp", json={"phone": phone})
    run_worker()
    code = code_in(twilio.messages[before]["Body"])
    response = client.post("/api/v1/agency/auth/token", json={"phone": phone, "code": code})
    assert response.status_code == 200, response.get_data(as_text=True)
    return bearer(response.get_json())


def test_submissions_are_counted_per_channel(client, citizen):
    submit(client, citizen)
    with transaction() as session:
        events = session.execute(select(UsageEvent.event, UsageEvent.channel,
                                        UsageEvent.service_code)).all()
    assert ("request_submitted", "app", "MOI-RP-RENEW") in events
