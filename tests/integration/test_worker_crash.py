"""A worker killed with SIGKILL mid-send loses nothing: the sweeper hands the message to the
next worker. (A duplicate is possible only if Twilio had accepted it before the kill.)"""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time

import pytest

from core import outbox, sweeper
from core.config import REPO_ROOT
from core.db import get_session
from core.models.outbox import OutboxMessage
from core.redis_conn import resolve_redis_url
from tests.support import run_worker

pytestmark = pytest.mark.usefixtures("database")


def start_rq_worker(settings) -> subprocess.Popen:  # type: ignore[no-untyped-def]
    """The Procfile's worker command, as its own process group."""
    env = dict(os.environ, DATABASE_URL=settings.database_url, REDIS_URL=resolve_redis_url(),
               TWILIO_ACCOUNT_SID=settings.twilio_account_sid,
               TWILIO_AUTH_TOKEN=settings.twilio_auth_token, TWILIO_FROM=settings.twilio_from,
               TWILIO_API_BASE=settings.twilio_api_base, PUBLIC_BASE_URL=settings.public_base_url,
               BAWABA_INSTANCE_DIR=str(settings.instance_dir))
    rq = os.path.join(os.path.dirname(sys.executable), "rq")
    return subprocess.Popen(
        [rq, "worker", "-c", "core.rq_settings", "--worker-class", "rq.worker.SimpleWorker",
         "--serializer", "rq.serializers.JSONSerializer", "--path", "."],
        cwd=REPO_ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_sigkill_mid_send_loses_nothing(settings, twilio):
    twilio.latency = 3.0  # the provider call is in flight when the worker dies
    outbox_id = outbox.send_sms(to="+97455123456", body="kill me", kind="transactional",
                                language="en")
    worker = start_rq_worker(settings)
    try:
        deadline = time.monotonic() + 30
        while twilio.requests_count == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert twilio.requests_count == 1, "the worker never reached Twilio"
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    session = get_session()
    assert session.get(OutboxMessage, outbox_id).status == "pending"
    session.close()

    twilio.latency = 0
    later = outbox.now() + dt.timedelta(seconds=2 * outbox.JOB_TIMEOUT + 180)
    assert sweeper.sweep(later)["requeued"] == 1
    run_worker()
    session = get_session()
    message = session.get(OutboxMessage, outbox_id)
    session.close()
    assert message.status == "sending"
    # Twilio accepted the first request after our worker died: the documented window.
    assert 1 <= len([m for m in twilio.messages if m["Body"] == "kill me"]) <= 2
