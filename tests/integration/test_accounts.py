"""Phone sign-in, tokens, profile, devices and follows, as the app uses them."""
from __future__ import annotations

import datetime as dt

import jwt
import pytest
from sqlalchemy import update

from core.db import transaction
from core.models import OtpCode
from tests.support import bearer, code_in, run_worker, sign_in

pytestmark = pytest.mark.usefixtures("database")
PHONE = "+97455123456"


def test_the_code_arrives_by_sms_in_the_callers_language(client, twilio):
    response = client.post("/api/v1/auth/otp?lang=en", json={"phone": "5512 3456"})
    assert response.status_code == 202
    assert response.get_json() == {"expires_in": 300, "resend_after": 60}
    run_worker()
    [sms] = twilio.messages
    assert sms["To"] == PHONE and "Your Bawaba code is" in sms["Body"]
    client.post("/api/v1/auth/otp", json={"phone": "+97466123456"})
    run_worker()
    assert "رمز" in twilio.messages[1]["Body"]


def test_sign_in_gives_tokens_that_open_the_profile(client, twilio):
    tokens = sign_in(client, twilio)
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 900
    me = client.get("/api/v1/me", headers=bearer(tokens)).get_json()
    assert me["phone"] == PHONE and me["language"] == "ar"


def test_arabic_digits_and_every_phone_form_reach_the_same_citizen(client, twilio):
    tokens = sign_in(client, twilio, "٥٥١٢٣٤٥٦")
    assert client.get("/api/v1/me", headers=bearer(tokens)).get_json()["phone"] == PHONE
    for other_form in ("0097455123456", "97455123456", "+974 5512-3456"):
        # The same number: still inside its 60-second resend wait.
        response = client.post("/api/v1/auth/otp", json={"phone": other_form})
        assert response.status_code == 429


def test_a_landline_cannot_receive_a_code(client):
    response = client.post("/api/v1/auth/otp?lang=en", json={"phone": "44069999"})
    assert response.status_code == 400
    assert "phone" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("body", [{}, {"phone": ""}, {"phone": 5512}, {"phone": "abc"}])
def test_a_missing_or_malformed_phone_is_named(client, body):
    response = client.post("/api/v1/auth/otp", json=body)
    assert response.status_code == 400 and "phone" in response.get_json()["error"]["fields"]


def test_a_body_that_is_not_json_is_refused_clearly(client):
    assert client.post("/api/v1/auth/otp", data="phone=1").status_code == 415
    response = client.post("/api/v1/auth/otp", data="{nope", content_type="application/json")
    assert response.status_code == 400


def test_a_new_code_waits_sixty_seconds(client, twilio):
    assert client.post("/api/v1/auth/otp", json={"phone": PHONE}).status_code == 202
    again = client.post("/api/v1/auth/otp", json={"phone": PHONE})
    assert again.status_code == 429
    assert again.get_json()["error"]["code"] == "rate_limited"
    assert 0 < int(again.headers["Retry-After"]) <= 60


def test_five_wrong_codes_kill_the_code(client, twilio):
    client.post("/api/v1/auth/otp", json={"phone": PHONE})
    run_worker()
    code = code_in(twilio.messages[0]["Body"])
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        response = client.post("/api/v1/auth/token", json={"phone": PHONE, "code": wrong})
        assert response.status_code == 401
    right = client.post("/api/v1/auth/token", json={"phone": PHONE, "code": code})
    assert right.status_code == 401


def test_an_expired_code_is_refused(client, twilio):
    client.post("/api/v1/auth/otp", json={"phone": PHONE})
    run_worker()
    code = code_in(twilio.messages[0]["Body"])
    with transaction() as session:
        session.execute(update(OtpCode).values(
            expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    response = client.post("/api/v1/auth/token", json={"phone": PHONE, "code": code})
    assert response.status_code == 401


def test_a_code_works_only_once(client, twilio):
    client.post("/api/v1/auth/otp", json={"phone": PHONE})
    run_worker()
    code = code_in(twilio.messages[0]["Body"])
    assert client.post("/api/v1/auth/token", json={"phone": PHONE, "code": code}).status_code == 200
    assert client.post("/api/v1/auth/token", json={"phone": PHONE, "code": code}).status_code == 401


def test_refresh_rotates_and_a_reused_refresh_token_revokes_the_family(client, twilio):
    tokens = sign_in(client, twilio)
    fresh = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert fresh.status_code == 200
    new = fresh.get_json()
    assert client.get("/api/v1/me", headers=bearer(new)).status_code == 200
    replay = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert replay.status_code == 401
    stolen = client.post("/api/v1/auth/refresh", json={"refresh_token": new["refresh_token"]})
    assert stolen.status_code == 401


def test_tampered_and_expired_tokens_are_refused(client, twilio, settings):
    tokens = sign_in(client, twilio)
    tampered = tokens["access_token"][:-3] + ("abc" if not tokens["access_token"].endswith(
        "abc") else "xyz")
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {tampered}"}
                      ).status_code == 401
    expired = jwt.encode({"sub": "citizen:1", "exp": 1}, settings.secret_key, algorithm="HS256")
    response = client.get("/api/v1/me?lang=en", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert client.get("/api/v1/me").status_code == 401


def test_too_many_code_requests_from_one_address_are_limited(client):
    statuses = [client.post("/api/v1/auth/otp", json={"phone": f"+974551234{n:02d}"},
                            environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code
                for n in range(12)]
    assert statuses[:10] == [202] * 10 and statuses[10] == 429


def test_profile_updates_and_validation(client, twilio):
    headers = bearer(sign_in(client, twilio))
    good = {"name": "مريم", "qid": "٢٨٤٦٣٤١٢٣٤٥", "language": "en", "email": "m@example.qa",
            "address": {"zone": 56, "street": 340, "building": 12}}
    me = client.patch("/api/v1/me", json=good, headers=headers).get_json()
    assert me["qid"] == "28463412345" and me["address"]["municipality"] == "Al Rayyan"
    assert me["language"] == "en" and me["qid_warnings"] == []
    bad = {"qid": "12345", "language": "fr", "email": "nope",
           "address": {"zone": 99, "street": 1, "building": 1}, "colour": "red"}
    response = client.patch("/api/v1/me", json=bad, headers=headers)
    assert response.status_code == 400
    assert set(response.get_json()["error"]["fields"]) == {
        "qid", "language", "email", "address.zone", "colour"}
    assert client.get("/api/v1/me", headers=headers).get_json()["qid"] == "28463412345"


def test_devices_register_idempotently_and_can_be_removed(client, twilio):
    headers = bearer(sign_in(client, twilio))
    device = {"token": "fcm-token-1", "platform": "android", "language": "en"}
    assert client.post("/api/v1/me/devices", json=device, headers=headers).status_code == 201
    assert client.post("/api/v1/me/devices", json=device, headers=headers).status_code == 200
    assert client.delete("/api/v1/me/devices/fcm-token-1", headers=headers).status_code == 204
    assert client.delete("/api/v1/me/devices/fcm-token-1", headers=headers).status_code == 404
    bad = client.post("/api/v1/me/devices", json={"token": "", "platform": "nokia"},
                      headers=headers)
    assert set(bad.get_json()["error"]["fields"]) == {"token", "platform"}


def test_following_agencies(client, twilio):
    headers = bearer(sign_in(client, twilio))
    response = client.put("/api/v1/me/subscriptions", json={"agencies": ["moi", "KAHRAMAA"]},
                          headers=headers)
    assert response.get_json() == {"agencies": ["KAHRAMAA", "MOI"]}
    bad = client.put("/api/v1/me/subscriptions", json={"agencies": ["NOPE"]}, headers=headers)
    assert bad.status_code == 400 and "agencies" in bad.get_json()["error"]["fields"]
