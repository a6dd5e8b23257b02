"""SMS over Twilio (outbound sender, delivery receipts, inbound commands) and USSD menus."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from sms_gateway import inbound, status_callbacks, ussd

    app.register_blueprint(status_callbacks.bp)
    app.register_blueprint(inbound.bp)
    ussd.register(app)
