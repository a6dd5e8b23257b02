"""Malformed, oversized and foreign input on every write endpoint: always the contract's
error shape (or the protocol's own answer), never a 5xx."""
from __future__ import annotations

import pytest

from tests.support import bearer, sign_in

pytestmark = pytest.mark.usefixtures("database")

BODIES = [
    b"", b"null", b"[]", b'"text"', b"42", b"{", b'{"a": ' + b"[" * 500 + b"]" * 500 + b"}",
    b'{"phone": {"x": 1}, "code": [1], "fields": "x", "status": null, "text": 7}',
    '{"text": "\u0000\ud800", "kind": "complaint"}'.encode("utf-8", "surrogatepass"),
    b'{"service_code": "' + b"A" * 10000 + b'"}',
]
CITIZEN_POSTS = ["/api/v1/requests", "/api/v1/complaints", "/api/v1/me/devices",
                 "/api/v1/requests/1234567897/documents", "/api/v1/complaints/1234567897/replies"]
AGENCY_POSTS = ["/api/v1/agency/campaigns", "/api/v1/agency/requests/1234567897/status",
                "/api/v1/agency/complaints/1234567897/reply", "/api/v1/agency/campaigns/1/cancel"]
OPEN_POSTS = ["/api/v1/auth/otp", "/api/v1/auth/token", "/api/v1/auth/refresh",
              "/api/v1/agency/auth/token"]


def assert_contract_error(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    if response.status_code >= 400:
        body = response.get_json()
        assert set(body) == {"error"} and body["error"]["code"] and body["error"]["message"]


@pytest.fixture()
def citizen(client, twilio):  # type: ignore[no-untyped-def]
    return bearer(sign_in(client, twilio))


@pytest.mark.parametrize("body", BODIES)
def test_citizen_endpoints_survive_garbage(client, citizen, body):
    for path in CITIZEN_POSTS:
        response = client.post(path, data=body, headers={**citizen,
                                                         "Content-Type": "application/json"})
        assert_contract_error(response)
    assert_contract_error(client.patch("/api/v1/me", data=body, headers={
        **citizen, "Content-Type": "application/json"}))


@pytest.mark.parametrize("body", BODIES)
def test_agency_and_open_endpoints_survive_garbage(client, gdp_key, body):
    headers = {"X-Api-Key": gdp_key, "Content-Type": "application/json"}
    for path in AGENCY_POSTS:
        assert_contract_error(client.post(path, data=body, headers=headers))
    for path in OPEN_POSTS:
        assert_contract_error(client.post(path, data=body, headers={
            "Content-Type": "application/json"}, environ_base={"REMOTE_ADDR": "10.7.7.7"}))


@pytest.mark.parametrize("headers", [
    {"Authorization": "Bearer"}, {"Authorization": "Bearer " + "x" * 5000},
    {"Authorization": "Basic dXNlcjpwYXNz"}, {"X-Api-Key": "bwb_" + "x" * 3000},
    {"X-Api-Key": "bwb__"}, {"Authorization": "Bearer a.b.c"},
])
def test_forged_credentials_are_401_in_the_contract_shape(client, headers):
    for path in ("/api/v1/me", "/api/v1/agency/requests"):
        response = client.get(path, headers=headers)
        assert response.status_code == 401
        assert_contract_error(response)


def test_a_citizen_token_cannot_act_for_an_agency(client, citizen):
    response = client.post("/api/v1/agency/campaigns", json={}, headers=citizen)
    assert response.status_code == 403
    assert_contract_error(response)
