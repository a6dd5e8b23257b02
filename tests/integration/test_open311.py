"""Open311 GeoReport v2 (/open311/v2) and service discovery, in JSON and XML, checked against
the specification (wiki.open311.org/GeoReport_v2): element names, the error array, filters,
the 90-day / 1000-request defaults and privacy of the public lists."""
from __future__ import annotations

import datetime as dt
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import insert, select
from werkzeug.serving import make_server

from core import complaints, references, service_requests
from core.catalog.cache import current_catalog
from core.complaints import Filing
from core.db import transaction
from core.identity import Caller
from core.models import (
    CaseReference,
    Citizen,
    Complaint,
    ComplaintMessage,
    RequestEvent,
    Service,
    ServiceRequest,
)
from core.times import utcnow

pytestmark = pytest.mark.usefixtures("database")

V2 = "/open311/v2"
ISO_WITH_ZONE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type",
                  "keywords", "group"]
ATTRIBUTE_FIELDS = {"variable", "code", "datatype", "required", "datatype_description",
                    "order", "description"}
REQUEST_FIELDS = ["service_request_id", "status", "status_notes", "service_name",
                  "service_code", "description", "agency_responsible", "service_notice",
                  "requested_datetime", "updated_datetime", "expected_datetime", "address",
                  "address_id", "zipcode", "lat", "long", "media_url"]
# Personal data used in the fixtures below: none of it may appear in a public list.
PHONE, QID, NAME, EMAIL = "+97455123456", "28463400001", "Aisha Al-Kuwari", "aisha@example.qa"
RENEWAL = {"qid": QID, "passport_no": "P9988776", "years": "2", "sponsorship_type": "family"}
POTHOLE = {"service_code": "ASHGHAL-DEFECT", "lat": "25.2854", "long": "51.5310",
           "description": "حفرة عميقة أمام المدرسة <خطر> & ازدحام",
           "attribute[defect_type]": "pothole", "attribute[zone]": "٦٣"}


def xml_of(response) -> ET.Element:  # type: ignore[no-untyped-def]
    assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
    assert response.data.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.data)


def json_of(response) -> Any:  # type: ignore[no-untyped-def]
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    return response.get_json()


def assert_error(response, status: int, *words: str) -> list[dict]:  # type: ignore[no-untyped-def]
    """The specification's error array, with the HTTP status as each entry's code."""
    assert response.status_code == status, response.get_data(as_text=True)
    if response.headers["Content-Type"].startswith("text/xml"):
        root = xml_of(response)
        assert root.tag == "errors" and [e.tag for e in root] == ["error"] * len(root)
        body = [{"code": int(e.findtext("code")), "description": e.findtext("description")}
                for e in root]
    else:
        body = json_of(response)
    assert body and all(set(e) == {"code", "description"} and e["code"] == status for e in body)
    text = " ".join(e["description"] for e in body)
    assert all(word in text for word in words), text
    return body


def post(client, fmt: str = "json", key: str | None = None, **form: str):  # type: ignore[no-untyped-def]
    data = {**form, **({"api_key": key} if key else {})}
    return client.post(f"{V2}/requests.{fmt}", data=data)


# --- cases created through the core, as the other channels create them -------------------

def make_citizen(session, phone: str = PHONE) -> Citizen:  # type: ignore[no-untyped-def]
    citizen = session.scalar(select(Citizen).where(Citizen.phone == phone))
    if citizen is None:
        citizen = Citizen(phone=phone, name=NAME, qid=QID, email=EMAIL, language="ar")
        session.add(citizen)
        session.flush()
    return citizen


# The catalogue is fetched before the transaction: a snapshot (re)build uses the same
# scoped session and closes it, which would end the test's transaction half-way.

def app_complaint(text: str = "تأخر تجديد الإقامة", phone: str = PHONE) -> str:
    catalog = current_catalog()
    with transaction() as session:
        citizen = make_citizen(session, phone)
        filing = Filing(kind="complaint", text=text, channel="app", language="ar",
                        citizen_id=citizen.id, phone=phone, service_code="MOI-RP-RENEW")
        return complaints.file(session, catalog, filing).reference


def renewal_request(phone: str = PHONE) -> str:
    catalog = current_catalog()
    with transaction() as session:
        citizen = make_citizen(session, phone)
        body = {"service_code": "MOI-RP-RENEW", "fields": RENEWAL}
        caller = Caller("citizen", citizen.id)
        return service_requests.submit(session, catalog, caller, body).reference


def answer_complaint(reference: str, text: str, close: bool = False) -> None:
    with transaction() as session:
        complaint = session.scalar(select(Complaint).where(Complaint.reference == reference))
        complaint.messages.append(ComplaintMessage(author="agency", actor="staff:1", text=text))
        complaint.status = "closed" if close else "answered"


def reject_request(reference: str, note: dict[str, str]) -> None:
    with transaction() as session:
        req = session.scalar(select(ServiceRequest).where(ServiceRequest.reference == reference))
        req.status = "rejected"
        req.history.append(RequestEvent(status="rejected", note=note, actor="staff:1"))


def backdate(reference: str, days: int) -> None:
    when = utcnow() - dt.timedelta(days=days)
    with transaction() as session:
        for model in (Complaint, ServiceRequest):
            case = session.scalar(select(model).where(model.reference == reference))
            if case is not None:
                case.created_at = when


def w3(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- GET services ------------------------------------------------------------------------

def test_services_lists_every_service_that_takes_requests_in_arabic_by_default(client):
    response = client.get(f"{V2}/services.json?jurisdiction_id=gov.qa")
    assert response.status_code == 200 and response.headers["Content-Language"] == "ar"
    services = json_of(response)
    catalog = current_catalog()
    expected = [s.code for s in catalog.in_number_order if s.level >= 2]
    assert [s["service_code"] for s in services] == expected
    assert "MOI-GDP-VISITOR-INFO" not in expected  # level 1: information only
    renew = services[0]
    assert list(renew) == SERVICE_FIELDS
    assert renew == {"service_code": "MOI-RP-RENEW", "service_name": "تجديد رخصة الإقامة",
                     "description": catalog.services["MOI-RP-RENEW"].description["ar"],
                     "metadata": True, "type": "realtime",
                     "keywords": ", ".join(catalog.services["MOI-RP-RENEW"].keywords["ar"]),
                     "group": "الإقامة"}


@pytest.mark.parametrize("query, headers", [("?lang=en", {}),
                                            ("", {"Accept-Language": "en-GB,en;q=0.9"})])
def test_services_speak_english_when_asked(client, query, headers):
    response = client.get(f"{V2}/services.json{query}", headers=headers)
    assert response.headers["Content-Language"] == "en"
    renew = json_of(response)[0]
    assert renew["service_name"] == "Renew residence permit" and renew["group"] == "Residency"


def test_services_in_xml_use_the_specifications_element_names(client):
    root = xml_of(client.get(f"{V2}/services.xml"))
    assert root.tag == "services" and {child.tag for child in root} == {"service"}
    first = root[0]
    assert [e.tag for e in first] == SERVICE_FIELDS
    assert first.findtext("service_name") == "تجديد رخصة الإقامة"
    assert first.findtext("metadata") == "true" and first.findtext("type") == "realtime"
    assert len(root) == len(json_of(client.get(f"{V2}/services.json")))


def test_an_unknown_format_extension_is_a_404_error_array_in_json(client):
    assert_error(client.get(f"{V2}/services.html"), 404)
    assert_error(client.get(f"{V2}/requests.csv"), 404)


# --- GET service definition --------------------------------------------------------------

def test_a_service_definition_lists_its_form_as_attributes(client):
    body = json_of(client.get(f"{V2}/services/MOI-RP-RENEW.json?lang=en"))
    assert body["service_code"] == "MOI-RP-RENEW"
    attributes = body["attributes"]
    assert [a["order"] for a in attributes] == [1, 2, 3, 4, 5]
    assert [a["code"] for a in attributes] == ["qid", "passport_no", "years",
                                               "sponsorship_type", "number_of_cards"]
    qid, years, cards = attributes[0], attributes[2], attributes[4]
    assert set(qid) == ATTRIBUTE_FIELDS and qid["variable"] is True
    assert (qid["datatype"], qid["required"], qid["description"]) == ("string", True,
                                                                       "QID number")
    assert years["datatype"] == "singlevaluelist"
    assert years["values"] == [{"key": "1", "name": "1 year"}, {"key": "2", "name": "2 years"},
                               {"key": "3", "name": "3 years"}]
    assert (cards["datatype"], cards["required"]) == ("number", False)
    assert cards["datatype_description"]


def test_dates_are_datetime_attributes_and_labels_follow_the_language(client):
    body = json_of(client.get(f"{V2}/services/MOI-GDP-RP-NEWBORN.json"))
    birth = next(a for a in body["attributes"] if a["code"] == "date_of_birth")
    assert birth["datatype"] == "datetime" and birth["description"] == "تاريخ الميلاد"


def test_a_service_definition_in_xml(client):
    root = xml_of(client.get(f"{V2}/services/MOI-GDT-FINE-OBJECT.xml?lang=en"))
    assert root.tag == "service_definition"
    assert [e.tag for e in root] == ["service_code", "attributes"]
    attributes = root.find("attributes")
    assert {a.tag for a in attributes} == {"attribute"}
    documents = attributes[2]
    assert documents.findtext("datatype") == "multivaluelist"
    assert documents.findtext("required") == "false" and documents.findtext("order") == "3"
    values = documents.find("values")
    assert [v.tag for v in values] == ["value"] * 3
    assert [e.tag for e in values[0]] == ["key", "name"]
    assert values[1].findtext("key") == "istimara"


@pytest.mark.parametrize("code", ["NOPE", "MOI-GDP-VISITOR-INFO"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_or_information_only_services_have_no_definition(client, code, fmt):
    assert_error(client.get(f"{V2}/services/{code}.{fmt}?lang=en"), 404,
                 "service_code", "Unknown service.")


# --- POST service request ----------------------------------------------------------------

def test_posting_files_an_open311_complaint_and_answers_with_its_id(client, gdp_key):
    response = post(client, key=gdp_key, service_code="MOI-RP-RENEW", lat="25.2867",
                    long="51.5333", address_string="Zone 63, Street 230, Doha",
                    description="تأخر تجديد الإقامة", email=EMAIL, first_name="Aisha",
                    last_name="Al-Kuwari", phone="5512 3456", device_id="dev-1",
                    account_id="acct-7", media_url="https://example.qa/p.jpg",
                    **{f"attribute[{k}]": v for k, v in RENEWAL.items()})
    assert response.status_code == 200, response.get_data(as_text=True)
    [answer] = json_of(response)
    assert list(answer) == ["service_request_id", "service_notice", "account_id"]
    reference = answer["service_request_id"]
    assert references.is_valid(reference) and answer["account_id"] == "acct-7"
    assert reference in answer["service_notice"] and "للجوازات" in answer["service_notice"]
    with transaction() as session:
        saved = session.scalar(select(Complaint).where(Complaint.reference == reference))
        assert (saved.channel, saved.kind, saved.status) == ("open311", "complaint", "open")
        assert saved.agency.code == "MOI-GDP" and saved.service.code == "MOI-RP-RENEW"
        assert saved.phone == PHONE and saved.attributes == RENEWAL
        assert saved.contact == {"first_name": "Aisha", "last_name": "Al-Kuwari",
                                 "device_id": "dev-1", "account_id": "acct-7", "email": EMAIL}
        assert (saved.lat, saved.lng, saved.media_url) == (25.2867, 51.5333,
                                                          "https://example.qa/p.jpg")


def test_posting_in_xml_and_the_token_resolves_to_the_id(client, gdp_key):
    response = post(client, "xml", gdp_key, **POTHOLE)
    root = xml_of(response)
    assert root.tag == "service_requests" and [e.tag for e in root] == ["request"]
    assert [e.tag for e in root[0]] == ["service_request_id", "service_notice", "account_id"]
    reference = root[0].findtext("service_request_id")
    assert "token" not in {e.tag for e in root[0]}  # one of id or token, never both (spec)
    token = response.headers["X-Open311-Token"]
    assert json_of(client.get(f"{V2}/tokens/{token}.json")) == [
        {"service_request_id": reference, "token": token}]
    resolved = xml_of(client.get(f"{V2}/tokens/{token}.xml"))
    assert resolved[0].findtext("service_request_id") == reference


@pytest.mark.parametrize("token", ["nonsense", "IjEyMzQ1Njc4OTAi.forged-signature"])
def test_a_bad_token_is_a_404(client, token):
    assert_error(client.get(f"{V2}/tokens/{token}.json"), 404)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_posting_without_a_valid_agency_key_is_403(client, fmt):
    assert_error(post(client, fmt, **POTHOLE), 403, "api_key")
    assert_error(post(client, fmt, "bwb_nope_wrong", **POTHOLE), 403)
    with transaction() as session:
        assert session.scalar(select(Complaint)) is None


def test_the_location_is_required_as_the_spec_says(client, gdp_key):
    no_place = {k: v for k, v in POTHOLE.items() if k not in ("lat", "long")}
    assert_error(post(client, key=gdp_key, **no_place), 400, "location")
    assert_error(post(client, key=gdp_key, **no_place, lat="25.3"), 400, "long")
    assert_error(post(client, key=gdp_key, **no_place, lat="north", long="51"), 400, "lat")
    assert_error(post(client, key=gdp_key, **no_place, lat="95", long="51"), 400, "lat")
    for place in ({"address_string": "Al Sadd, Doha"}, {"address_id": "QARS-63-230-12"}):
        assert post(client, key=gdp_key, **no_place, **place).status_code == 200


def test_an_address_id_is_kept_and_published(client, gdp_key):
    no_place = {k: v for k, v in POTHOLE.items() if k not in ("lat", "long")}
    answer = json_of(post(client, key=gdp_key, **no_place, address_id="QARS-63-230-12"))
    item = json_of(client.get(f"{V2}/requests/{answer[0]['service_request_id']}.json"))[0]
    assert item["address_id"] == "QARS-63-230-12" and item["lat"] is None


def test_service_code_is_required_and_must_be_known(client, gdp_key):
    form = {k: v for k, v in POTHOLE.items() if k != "service_code"}
    assert_error(post(client, key=gdp_key, **form), 400, "service_code")
    assert_error(post(client, key=gdp_key, **form, service_code="NOPE"), 404, "service_code")
    assert_error(post(client, key=gdp_key, **form, service_code="MOI-GDP-VISITOR-INFO"), 404)


def test_attributes_are_validated_against_the_service_definition(client, gdp_key):
    body = assert_error(post(client, key=gdp_key, service_code="MOI-RP-RENEW", lat="25.2",
                             long="51.5", **{"attribute[years]": "9", "attribute[colour]": "x"},
                             ), 400, "attribute[qid]", "attribute[years]", "attribute[colour]")
    assert len(body) == 5  # qid, passport_no, sponsorship_type missing; years; colour
    english = post(client, key=gdp_key, service_code="ASHGHAL-DEFECT", lat="25.2", long="51.5",
                   **{"attribute[defect_type]": "pothole", "attribute[zone]": "sixty"})
    assert_error(english, 400, "attribute[zone]")


def test_multivaluelist_and_datetime_attributes_are_accepted(client, gdp_key):
    form = {"service_code": "MOI-GDT-ACCIDENT-REPORT", "lat": "25.3", "long": "51.5",
            "attribute[plate_no]": "123456", "attribute[location_desc]": "Corniche",
            "attribute[incident_date]": "2026-03-01T08:15:30+03:00",
            "attribute[documents_attached][]": ["insurance", "istimara"]}
    reference = json_of(post(client, key=gdp_key, **form))[0]["service_request_id"]
    with transaction() as session:
        saved = session.scalar(select(Complaint).where(Complaint.reference == reference))
        assert saved.attributes["incident_date"] == "2026-03-01"
        assert saved.attributes["documents_attached"] == ["insurance", "istimara"]
        assert saved.text == "الإبلاغ عن حادث مروري بسيط"  # no description: the service name


@pytest.mark.parametrize("field, value", [("phone", "12"), ("email", "not-an-address"),
                                          ("media_url", "javascript:alert(1)"),
                                          ("description", "x" * 4001)])
def test_bad_contact_details_are_400_naming_the_field(client, gdp_key, field, value):
    assert_error(post(client, key=gdp_key, **{**POTHOLE, field: value}), 400, field)


def test_errors_follow_the_request_language(client, gdp_key):
    form = {k: v for k, v in POTHOLE.items() if k != "service_code"}
    assert_error(post(client, key=gdp_key, **form), 400, "service_code: هذا الحقل مطلوب.")
    english = client.post(f"{V2}/requests.json?lang=en", data={**form, "api_key": gdp_key})
    assert english.headers["Content-Language"] == "en"
    assert_error(english, 400, "service_code: This field is required.")


def test_an_idempotency_key_replays_the_first_answer(client, gdp_key):
    data = {**POTHOLE, "api_key": gdp_key}
    headers = {"Idempotency-Key": "pothole-1"}
    first = client.post(f"{V2}/requests.json", data=data, headers=headers)
    again = client.post(f"{V2}/requests.xml", data=data, headers=headers)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert xml_of(again)[0].findtext("service_request_id") == json_of(first)[0][
        "service_request_id"]


# --- GET service requests ----------------------------------------------------------------

def test_the_list_covers_complaints_and_requests_newest_first(client, gdp_key):
    app_ref, request_ref = app_complaint(), renewal_request()
    open311_ref = json_of(post(client, key=gdp_key, **POTHOLE))[0]["service_request_id"]
    backdate(app_ref, 2)
    backdate(request_ref, 1)
    items = json_of(client.get(f"{V2}/requests.json"))
    assert [i["service_request_id"] for i in items] == [open311_ref, request_ref, app_ref]
    assert all(list(item) == REQUEST_FIELDS for item in items)
    pothole, renewal = items[0], items[1]
    assert pothole["description"] == POTHOLE["description"]
    assert pothole["agency_responsible"] == "هيئة الأشغال العامة (أشغال)"
    assert (pothole["lat"], pothole["long"]) == (25.2854, 51.531)
    assert renewal["description"] == renewal["service_name"] == "تجديد رخصة الإقامة"
    assert renewal["status"] == "open"
    assert renewal["agency_responsible"] == "الإدارة العامة للجوازات"
    for item in items:
        for field in ("requested_datetime", "updated_datetime"):
            assert ISO_WITH_ZONE.match(item[field]), item[field]


def test_expected_datetime_is_the_services_processing_time(client):
    reference = renewal_request()
    [item] = json_of(client.get(f"{V2}/requests/{reference}.json"))
    requested = dt.datetime.fromisoformat(item["requested_datetime"])
    expected = dt.datetime.fromisoformat(item["expected_datetime"])
    assert expected - requested == dt.timedelta(days=1)  # MOI-RP-RENEW: 1 processing day


def test_public_lists_never_show_personal_data(client, gdp_key):
    renewal_request()
    app_complaint()
    post(client, key=gdp_key, **POTHOLE, phone=PHONE, email=EMAIL, first_name="Aisha",
         last_name="Al-Kuwari", account_id="acct-7", device_id="dev-1",
         **{"attribute[details]": QID})
    for fmt in ("json", "xml"):
        text = client.get(f"{V2}/requests.{fmt}").get_data(as_text=True)
        for secret in (PHONE, "55123456", QID, "P9988776", NAME, "Aisha", EMAIL, "acct-7",
                       "dev-1", "family"):
            assert secret not in text, (fmt, secret)


def test_statuses_map_to_open_and_closed_with_notes(client):
    answered, closed = app_complaint("one"), app_complaint("two", phone="+97466123456")
    answer_complaint(answered, "نعمل على ذلك")
    answer_complaint(closed, "تمت المعالجة", close=True)
    rejected = renewal_request("+97477123456")
    reject_request(rejected, {"ar": "المستندات ناقصة", "en": "Documents missing"})
    items = {i["service_request_id"]: i for i in json_of(client.get(f"{V2}/requests.json"))}
    assert (items[answered]["status"], items[answered]["status_notes"]) == ("open",
                                                                            "نعمل على ذلك")
    assert (items[closed]["status"], items[closed]["status_notes"]) == ("closed",
                                                                        "تمت المعالجة")
    assert items[rejected]["status"] == "closed"
    english = json_of(client.get(f"{V2}/requests/{rejected}.json?lang=en"))[0]
    assert english["status_notes"] == "Documents missing"
    open_ids = {i["service_request_id"]
                for i in json_of(client.get(f"{V2}/requests.json?status=open"))}
    closed_ids = {i["service_request_id"]
                  for i in json_of(client.get(f"{V2}/requests.json?status=closed"))}
    assert open_ids == {answered} and closed_ids == {closed, rejected}
    both = json_of(client.get(f"{V2}/requests.json?status=open,closed"))
    assert len(both) == 3


def test_filter_by_service_code_and_by_ids(client, gdp_key):
    pothole = json_of(post(client, key=gdp_key, **POTHOLE))[0]["service_request_id"]
    renewal, complaint = renewal_request(), app_complaint()
    by_code = json_of(client.get(f"{V2}/requests.json?service_code=ASHGHAL-DEFECT"))
    assert [i["service_request_id"] for i in by_code] == [pothole]
    both = json_of(client.get(f"{V2}/requests.json?service_code=ASHGHAL-DEFECT,MOI-RP-RENEW"))
    assert len(both) == 3
    # service_request_id overrides every other argument, even a contradicting one.
    ids = json_of(client.get(f"{V2}/requests.json?service_request_id={renewal},{complaint}"
                             "&service_code=ASHGHAL-DEFECT&status=closed"))
    assert {i["service_request_id"] for i in ids} == {renewal, complaint}


@pytest.mark.parametrize("query", ["service_request_id=1234567897", "service_code=NOPE",
                                   "status=closed"])
def test_no_match_is_200_and_an_empty_list(client, query):
    app_complaint()
    response = client.get(f"{V2}/requests.json?{query}")
    assert response.status_code == 200 and json_of(response) == []
    empty = xml_of(client.get(f"{V2}/requests.xml?{query}"))
    assert empty.tag == "service_requests" and len(empty) == 0


def test_the_default_window_is_the_last_90_days(client):
    old, recent = app_complaint("old"), app_complaint("recent", phone="+97466123456")
    backdate(old, 100)
    listed = [i["service_request_id"] for i in json_of(client.get(f"{V2}/requests.json"))]
    assert listed == [recent]
    now = utcnow()
    start, end = w3(now - dt.timedelta(days=120)), w3(now - dt.timedelta(days=60))
    window = json_of(client.get(f"{V2}/requests.json?start_date={start}&end_date={end}"))
    assert [i["service_request_id"] for i in window] == [old]
    from_start = json_of(client.get(f"{V2}/requests.json?start_date={start}"))
    assert [i["service_request_id"] for i in from_start] == [old]  # 90 days on from start
    # An offset given unencoded (its + read as a space) still parses.
    offset = (now - dt.timedelta(days=1)).astimezone(dt.timezone(dt.timedelta(hours=3)))
    since = json_of(client.get(f"{V2}/requests.json?start_date="
                               f"{offset.strftime('%Y-%m-%dT%H:%M:%S+03:00')}"))
    assert [i["service_request_id"] for i in since] == [recent]


@pytest.mark.parametrize("query, field", [
    ("start_date=yesterday", "start_date"), ("end_date=2026-13-45T00:00:00Z", "end_date"),
    ("start_date=2026-03-01T00:00:00Z&end_date=2026-01-01T00:00:00Z", "start_date"),
    ("start_date=2025-01-01T00:00:00Z&end_date=2026-01-01T00:00:00Z", "end_date"),
    ("status=pending", "status"),
])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_filters_are_400(client, query, field, fmt):
    assert_error(client.get(f"{V2}/requests.{fmt}?{query}"), 400, field)


def _insert_complaints(count: int) -> list[str]:
    """Many complaints at once, straight into the tables, one second apart."""
    now, refs = utcnow(), []
    for n in range(count):
        payload = f"{100000000 + n}"
        refs.append(payload + references.luhn_check_digit(payload))
    with transaction() as session:
        service_id = session.scalar(select(Service.id).where(Service.code == "ASHGHAL-DEFECT"))
        session.execute(insert(CaseReference), [{"reference": r, "kind": "complaint"}
                                                for r in refs])
        session.execute(insert(Complaint), [{
            "reference": r, "kind": "complaint", "text": f"report {n}", "service_id": service_id,
            "status": "open", "channel": "open311", "language": "ar",
            "created_at": now - dt.timedelta(seconds=count - n),
            "updated_at": now - dt.timedelta(seconds=count - n)} for n, r in enumerate(refs)])
    return refs


def test_at_most_1000_requests_newest_first(client):
    refs = _insert_complaints(1005)
    items = json_of(client.get(f"{V2}/requests.json"))
    assert len(items) == 1000
    assert [i["service_request_id"] for i in items] == refs[::-1][:1000]
    assert len(xml_of(client.get(f"{V2}/requests.xml"))) == 1000


# --- GET service request -----------------------------------------------------------------

def test_one_request_in_json_and_xml(client, gdp_key):
    reference = json_of(post(client, key=gdp_key, **POTHOLE))[0]["service_request_id"]
    [item] = json_of(client.get(f"{V2}/requests/{reference}.json?lang=en"))
    assert item["service_name"] == "Report a road, drainage or street-light defect"
    assert item["status"] == "open" and item["zipcode"] is None
    root = xml_of(client.get(f"{V2}/requests/{reference}.xml"))
    assert root.tag == "service_requests" and [e.tag for e in root] == ["request"]
    assert [e.tag for e in root[0]] == REQUEST_FIELDS
    # ElementTree escaped < & > on the way out; the text comes back exactly.
    assert root[0].findtext("description") == POTHOLE["description"]
    assert ISO_WITH_ZONE.match(root[0].findtext("requested_datetime"))
    arabic_digits = "".join("٠١٢٣٤٥٦٧٨٩"[int(d)] for d in reference)
    assert client.get(f"{V2}/requests/{arabic_digits}.json").status_code == 200


def test_characters_xml_cannot_carry_are_dropped_not_fatal(client, gdp_key):
    form = {**POTHOLE, "description": "bell\x07 and\x00 nul"}
    reference = json_of(post(client, key=gdp_key, **form))[0]["service_request_id"]
    root = xml_of(client.get(f"{V2}/requests/{reference}.xml"))
    assert root[0].findtext("description") == "bell and nul"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_request_is_a_404_error_array(client, fmt):
    assert_error(client.get(f"{V2}/requests/1234567897.{fmt}"), 404, "1234567897")


# --- discovery, and errors nowhere else handled -----------------------------------------

def test_discovery_in_json_and_xml(client):
    body = json_of(client.get("/open311/discovery.json"))
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    [endpoint] = body["endpoints"]
    assert endpoint == {"specification": "http://wiki.open311.org/GeoReport_v2",
                        "url": "https://bawaba.test/open311/v2",
                        "changeset": body["changeset"], "type": "production",
                        "formats": ["application/json", "text/xml"]}
    assert ISO_WITH_ZONE.match(body["changeset"])
    root = xml_of(client.get("/open311/discovery.xml?lang=en"))
    assert [e.tag for e in root] == ["changeset", "contact", "key_service", "endpoints"]
    xml_endpoint = root.find("endpoints/endpoint")
    assert [e.tag for e in xml_endpoint] == ["specification", "url", "changeset", "type",
                                             "formats"]
    assert [f.text for f in xml_endpoint.find("formats")] == ["application/json", "text/xml"]
    assert "109" in root.findtext("contact")


def test_unknown_paths_and_wrong_methods_answer_the_error_array(client):
    assert_error(client.get("/open311/v3/services.json"), 404)
    assert_error(client.get("/open311/"), 404)
    wrong = client.delete(f"{V2}/services.xml")
    assert_error(wrong, 405)
    assert wrong.headers["Allow"] == "GET"
    assert_error(client.post(f"{V2}/services.json"), 405)


# --- interop: a published Open311 client against a real HTTP server ----------------------

@pytest.fixture()
def live_server(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}{V2}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_georeport_client_reads_everything(live_server, client, gdp_key, fmt):
    georeport = pytest.importorskip("georeport")
    reference = json_of(post(client, key=gdp_key, **POTHOLE))[0]["service_request_id"]
    reader = georeport.GeoReport(live_server, jurisdiction="gov.qa", output_format=fmt)
    services = reader.get_service_list()
    assert services[0]["service_code"] == "MOI-RP-RENEW"
    definition = reader.get_service_definition("ASHGHAL-DEFECT")
    assert definition["service_code"] == "ASHGHAL-DEFECT"
    listed = reader.get_service_requests(service_code="ASHGHAL-DEFECT", status="open")
    listed = listed if isinstance(listed, list) else [listed]  # xmltodict: one item is a dict
    assert [i["service_request_id"] for i in listed] == [reference]
    one = reader.get_service_request(reference)
    assert one["description"] == POTHOLE["description"] and one["status"] == "open"
