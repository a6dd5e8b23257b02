"""Whole journeys across channels and the operator's shell, as people use them."""
from __future__ import annotations

import re

import pytest

from tests.support import sms_in

pytestmark = pytest.mark.usefixtures("database")

REFERENCE = re.compile(r"(?<!\d)\d{10}(?!\d)")


def ussd(client, text: str, session: str, phone: str = "+97455123456") -> str:  # type: ignore[no-untyped-def]
    response = client.post("/ussd/africastalking", data={
        "sessionId": session, "serviceCode": "*384#", "phoneNumber": phone,
        "networkCode": "42701", "text": text})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_complaint_filed_by_sms_is_followed_by_sms_and_by_ussd(client, settings):
    reply = sms_in(client, settings, "شكوى انقطاع الكهرباء في المنطقة 56 منذ الصباح")
    reference = REFERENCE.search(reply).group()
    assert reference in sms_in(client, settings, f"حالة {reference}")
    screen = ussd(client, f"2*{reference}", "ATUid_journey")
    assert screen.startswith("END") and reference in screen


def test_find_then_info_then_office_by_sms(client, settings):
    found = sms_in(client, settings, "FIND driving licence renewal")
    number = next(w for w in found.split() if w.isdigit() and len(w) == 4)
    info = sms_in(client, settings, f"INFO {number}")
    assert number in info
    offices = sms_in(client, settings, f"OFFICE {number}")
    assert offices and "OFFICE" not in offices  # a list of offices, not the usage hint


def test_the_operator_creates_an_agency_key_that_works(app, client):
    result = app.test_cli_runner().invoke(args=["agency", "create-key", "moi-gdp"])
    assert result.exit_code == 0
    key = result.output.split()[-1]
    response = client.get("/api/v1/agency/requests", headers={"X-Api-Key": key})
    assert response.status_code == 200
    unknown = app.test_cli_runner().invoke(args=["agency", "create-key", "NOPE"])
    assert unknown.exit_code == 1


def test_the_operator_creates_staff_with_a_role(app):
    ok = app.test_cli_runner().invoke(args=["staff", "create", "٧٧١٢٣٤٥٦", "MOI-GDP", "officer"])
    assert ok.exit_code == 0 and "+97477123456" in ok.output
    bad = app.test_cli_runner().invoke(args=["staff", "create", "77123456", "MOI-GDP", "boss"])
    assert bad.exit_code == 1 and "role" in bad.output
