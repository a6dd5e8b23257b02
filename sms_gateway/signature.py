"""Twilio webhook signatures, checked with the official RequestValidator.

Twilio signs the URL it called. Behind a proxy or load balancer the URL we see differs, so
we rebuild it from PUBLIC_BASE_URL (the public https origin) + path + query string.
"""
from __future__ import annotations

from flask import Request
from twilio.request_validator import RequestValidator

from core.config import get_settings


def public_url(request: Request) -> str:
    query = request.query_string.decode("latin-1")
    return get_settings().public_base_url + request.path + (f"?{query}" if query else "")


def is_signed_by_twilio(request: Request) -> bool:
    settings = get_settings()
    signature = request.headers.get("X-Twilio-Signature", "")
    if not settings.twilio_auth_token or not signature:
        return False  # without our token nothing can be verified, so nothing is trusted
    validator = RequestValidator(settings.twilio_auth_token)
    return validator.validate(public_url(request), request.form, signature)
