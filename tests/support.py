"""Helpers shared by tests: real RQ workers on the real Redis."""
from __future__ import annotations

from rq import SimpleWorker
from rq.serializers import JSONSerializer

from core.queues import QUEUE_NAMES, get_queue
from core.redis_conn import get_redis


def run_worker(*, due_retries: bool = False) -> None:
    """A real RQ worker, in burst mode: works every queue, in priority order, until empty.

    `due_retries` makes jobs that wait for a retry back-off due now (instead of sleeping).
    """
    queues = [get_queue(name) for name in QUEUE_NAMES]
    while True:
        if due_retries:
            for queue in queues:
                registry = queue.scheduled_job_registry
                for job_id in registry.get_job_ids():
                    registry.remove(job_id)
                    queue.enqueue_job(queue.fetch_job(job_id))
        SimpleWorker(queues, connection=get_redis(), serializer=JSONSerializer).work(
            burst=True, with_scheduler=False)
        waiting = sum(q.scheduled_job_registry.count for q in queues)
        if not (due_retries and waiting):
            return


def sign_in(client, twilio, phone: str = "+97455123456", lang: str = "ar") -> dict:  # type: ignore[no-untyped-def]
    """The real sign-in: ask for a code, let the worker text it, read it at the fake."""
    before = len(twilio.messages)
    response = client.post(f"/api/v1/auth/otp?lang={lang}", json={"phone": phone},
                           environ_base={"REMOTE_ADDR": f"10.9.{before % 250}.{before // 250}"})
    assert response.status_code == 202, response.get_data(as_text=True)
    run_worker()
    code = code_in(twilio.messages[before]["Body"])
    tokens = client.post("/api/v1/auth/token", json={"phone": phone, "code": code})
    assert tokens.status_code == 200, tokens.get_data(as_text=True)
    return tokens.get_json()


def bearer(tokens: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def code_in(sms_body: str) -> str:
    """The 6-digit sign-in code in an SMS."""
    import re

    return re.search(r"(?<!\d)\d{6}(?!\d)", sms_body).group()


def twilio_post(client, settings, path: str, params: dict, *, token: str | None = None):  # type: ignore[no-untyped-def]
    """A form post signed exactly as Twilio signs it (the official RequestValidator)."""
    from twilio.request_validator import RequestValidator

    url = settings.public_base_url + path
    signature = RequestValidator(token or settings.twilio_auth_token).compute_signature(
        url, params)
    return client.post(path, data=params, headers={"X-Twilio-Signature": signature})


_sid_counter = iter(range(10**9))


def sms_in(client, settings, body: str, sender: str = "+97455123456", sid: str | None = None):  # type: ignore[no-untyped-def]
    """An inbound SMS as Twilio posts it; returns the reply text ('' when none)."""
    import xml.etree.ElementTree as ET

    params = {"MessageSid": sid or f"SM{next(_sid_counter):032d}", "AccountSid": "AC1",
              "From": sender, "To": "+97450000000", "Body": body, "NumMedia": "0"}
    response = twilio_post(client, settings, "/sms/twilio/inbound", params)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/xml"
    root = ET.fromstring(response.get_data())
    message = root.find("Message")
    return "" if message is None else (message.text or "")
