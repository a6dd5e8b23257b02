"""POST /sms/twilio/status: Twilio's delivery callbacks for the messages we sent."""
from __future__ import annotations

import logging

from flask import Blueprint, Response, request

from core import outbox
from core.db import transaction
from core.errors import Forbidden, invalid
from core.models.outbox import CANCELLED, DELIVERED, FAILED, SENDING, SENT, UNDELIVERED
from i18n.catalogs import N_
from sms_gateway.signature import is_signed_by_twilio

log = logging.getLogger(__name__)

bp = Blueprint("twilio_status", __name__, url_prefix="/sms/twilio")

# Every MessageStatus Twilio documents; None = an inbound-only status, nothing to record.
TWILIO_STATUSES: dict[str, str | None] = {
    "accepted": SENDING, "scheduled": SENDING, "queued": SENDING, "sending": SENDING,
    "sent": SENT, "delivered": DELIVERED, "read": DELIVERED, "partially_delivered": DELIVERED,
    "undelivered": UNDELIVERED, "failed": FAILED, "canceled": CANCELLED,
    "receiving": None, "received": None,
}
UNSUBSCRIBED = "21610"


@bp.post("/status")
def status_callback() -> Response:
    if not is_signed_by_twilio(request):
        raise Forbidden()
    sid, status = request.form.get("MessageSid"), request.form.get("MessageStatus")
    if not sid or not status:
        return Response(status=200)  # nothing we can act on; Twilio must not retry it
    status = status.strip().lower()
    if status not in TWILIO_STATUSES:
        raise invalid("MessageStatus", N_("Unknown message status."))
    ours, error_code = TWILIO_STATUSES[status], request.form.get("ErrorCode") or None
    if ours is not None:
        changed = outbox.apply_receipt("sms", sid, ours, error_code)
        log.info("sms receipt", extra={"provider_id": sid, "status": status, "applied": changed})
    if error_code == UNSUBSCRIBED and request.form.get("To"):
        with transaction() as session:
            outbox.opt_out(session, request.form["To"], source="provider")
    return Response(status=200)
