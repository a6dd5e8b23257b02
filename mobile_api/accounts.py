"""Sign-in by phone (OTP), tokens, the citizen's profile, devices and followed agencies."""
from __future__ import annotations

from flask_restx import Namespace, Resource

from core import otp, tokens
from core.citizens import citizen_view, update_profile
from core.db import after_commit, transaction
from core.devices import (
    register_device,
    remove_device,
    request_topic_removal,
    request_topic_sync,
    set_subscriptions,
)
from core.errors import Unauthorized, invalid
from core.identity import citizen_for_phone, claims_for, staff_by_phone
from core.models import Citizen
from i18n.catalogs import N_
from mobile_api import auth
from mobile_api.errors import lang
from mobile_api.limits import limiter, phone_key
from mobile_api.responses import json_response

ns = Namespace("accounts", path="/", description="Phone sign-in, profile, devices")


def _string(body: object, name: str) -> str:
    value = body.get(name) if isinstance(body, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise invalid(name, N_("This field is required."))
    return value


@ns.route("/auth/otp")
class RequestCode(Resource):
    decorators = [limiter.limit("10/minute;100/hour"),
                  limiter.limit("5/10 minutes", key_func=phone_key)]

    @ns.doc(description="Sends a 6-digit code by SMS. Same answer whether or not the phone "
                        "is known.")
    @ns.response(202, "Code sent")
    def post(self):  # type: ignore[no-untyped-def]
        otp.request_code(_string(auth.json_body(), "phone"), lang())
        return json_response({"expires_in": int(otp.CODE_TTL.total_seconds()),
                              "resend_after": int(otp.RESEND_AFTER.total_seconds())}, 202)


@ns.route("/auth/token")
class CitizenToken(Resource):
    decorators = [limiter.limit("20/minute")]

    def post(self):  # type: ignore[no-untyped-def]
        body = auth.json_body()
        phone = otp.verify_code(_string(body, "phone"), _string(body, "code"))
        citizen = citizen_for_phone(phone, lang())
        return json_response(tokens.issue_pair(f"citizen:{citizen.id}", {"role": "citizen"}))


@ns.route("/auth/refresh")
class Refresh(Resource):
    decorators = [limiter.limit("30/minute")]

    def post(self):  # type: ignore[no-untyped-def]
        token = _string(auth.json_body(), "refresh_token")
        return json_response(tokens.rotate(token, claims_for))


@ns.route("/agency/auth/token")
class StaffToken(Resource):
    decorators = [limiter.limit("20/minute")]

    @ns.doc(description="Agency staff sign in with the same SMS code (POST /auth/otp).")
    def post(self):  # type: ignore[no-untyped-def]
        body = auth.json_body()
        phone = otp.verify_code(_string(body, "phone"), _string(body, "code"))
        staff = staff_by_phone(phone)
        if staff is None:
            raise Unauthorized(N_("This phone is not registered as agency staff."))
        subject = f"staff:{staff.id}"
        return json_response(tokens.issue_pair(subject, claims_for(subject)))


@ns.route("/me")
class Me(Resource):
    def get(self):  # type: ignore[no-untyped-def]
        who = auth.citizen()
        with transaction() as session:
            return json_response(citizen_view(session.get(Citizen, who.id)))

    def patch(self):  # type: ignore[no-untyped-def]
        who, body = auth.citizen(), auth.json_body()
        with transaction() as session:
            citizen, _changed = update_profile(session, who.id, body)
            return json_response(citizen_view(citizen))


@ns.route("/me/devices")
class Devices(Resource):
    def post(self):  # type: ignore[no-untyped-def]
        who, body = auth.citizen(), auth.json_body()
        with transaction() as session:
            device, created = register_device(session, who.id, body, lang())
            view = {"token": device.token, "platform": device.platform,
                    "language": device.language}
            after_commit(session, lambda: request_topic_sync(who.id))
        return json_response(view, 201 if created else 200)


@ns.route("/me/devices/<path:token>")
class Device(Resource):
    def delete(self, token: str):  # type: ignore[no-untyped-def]
        who = auth.citizen()
        with transaction() as session:
            old_topics = remove_device(session, who.id, token)
            after_commit(session, lambda: request_topic_removal(token, old_topics))
        return "", 204


@ns.route("/me/subscriptions")
class Subscriptions(Resource):
    def put(self):  # type: ignore[no-untyped-def]
        who, body = auth.citizen(), auth.json_body()
        with transaction() as session:
            agencies = set_subscriptions(session, who.id, body)
            after_commit(session, lambda: request_topic_sync(who.id))
        return json_response({"agencies": agencies})

    def get(self):  # type: ignore[no-untyped-def]
        who = auth.citizen()
        with transaction() as session:
            return json_response({"agencies": set_subscriptions(session, who.id, None)})
