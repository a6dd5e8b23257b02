"""Feature-phone channels vs a bare Flask form endpoint on the same gunicorn worker, same run:
an inbound SMS (Twilio signature check + store + command + TwiML) and a USSD hop.

Targets: inbound SMS >= 0.3x bare, USSD hop >= 0.5x bare, USSD p99 < 50 ms.
"""
from __future__ import annotations

import itertools
import os
import sys
import tempfile
import urllib.parse
from pathlib import Path

from twilio.request_validator import RequestValidator

from bench.common import Client, cleanup, interleaved, start_gunicorn, summary

TOKEN = "bench-twilio-token"
BASE = "https://bawaba.bench"
SMS_BODIES = ["HELP", "FIND renew residence", "INFO 1001", "بحث تجديد الاقامه", "معلومات ١٠٠١"]
# Sessions of four hops, as a caller browses: home, a list, a sub-list, a detail.
USSD_SESSIONS = [["", "1", "1*1", "1*1*1"], ["", "5", "5*1", "5*1*0"], ["", "1", "1*2", "1*2*1"]]


def prepare(env: dict[str, str]) -> None:
    os.environ.update(env)
    from core import migrate
    from core.catalog.loader import load_catalog

    migrate.upgrade()
    load_catalog()


def form(params: dict[str, str]) -> bytes:
    return urllib.parse.urlencode(params).encode()


def main() -> int:
    instance = Path(tempfile.mkdtemp(prefix="bawaba-bench-"))
    env = {"BAWABA_INSTANCE_DIR": str(instance), "TWILIO_AUTH_TOKEN": TOKEN,
           "PUBLIC_BASE_URL": BASE}
    for name in ("DATABASE_URL", "REDIS_URL"):
        if os.environ.get(f"BENCH_{name}"):
            env[name] = os.environ[f"BENCH_{name}"]
    prepare(env)
    server = start_gunicorn(env)
    validator, counter = RequestValidator(TOKEN), itertools.count()
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    try:
        client = Client(server.port)

        def sms(path: str) -> tuple[int, bytes]:
            n = next(counter)
            # A new sender each time: the per-number reply limit is not what is measured.
            params = {"MessageSid": f"SM{n:032d}", "From": f"+974{55000000 + n}",
                      "To": "+97450000000", "Body": SMS_BODIES[n % len(SMS_BODIES)]}
            signature = validator.compute_signature(BASE + path, params)
            return client.request("POST", path, form(params),
                                  {**headers, "X-Twilio-Signature": signature})

        def ussd(path: str) -> tuple[int, bytes]:
            n = next(counter)
            session, hop = divmod(n, 4)
            params = {"sessionId": f"ATUid_{session}", "serviceCode": "*384#",
                      "phoneNumber": f"+974{55000000 + session % 5000}", "networkCode": "42701",
                      "text": USSD_SESSIONS[session % len(USSD_SESSIONS)][hop]}
            return client.request("POST", path, form(params), headers)

        def bare(path: str) -> tuple[int, bytes]:
            return client.request("POST", path, form({"Body": "HELP"}), headers)

        stats = interleaved([("bare Flask form POST", bare, ["/__bare/form"]),
                             ("POST /sms/twilio/inbound", sms, ["/sms/twilio/inbound"]),
                             ("POST /ussd/africastalking", ussd, ["/ussd/africastalking"])])
    finally:
        server.stop()
        cleanup(instance)
    bare_st, sms_st, ussd_st = (stats[k] for k in ("bare Flask form POST",
                                                   "POST /sms/twilio/inbound",
                                                   "POST /ussd/africastalking"))
    for st in (bare_st, sms_st, ussd_st):
        print(st.line())
    print(f"backend        = {'PostgreSQL' if 'DATABASE_URL' in env else 'SQLite'}")
    sms_ratio, ussd_ratio = sms_st.rps / bare_st.rps, ussd_st.rps / bare_st.rps
    print(f"SMS / bare     = {sms_ratio:.2f}x  (target >= 0.30)  {summary(sms_ratio, 0.3)}")
    print(f"USSD / bare    = {ussd_ratio:.2f}x  (target >= 0.50)  {summary(ussd_ratio, 0.5)}")
    print(f"USSD p99       = {ussd_st.pct(0.99):.1f} ms  (target < 50)  "
          f"{summary(ussd_st.pct(0.99), 50, higher_is_better=False)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
