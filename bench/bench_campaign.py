"""A campaign to N registered devices through the real campaign job (one RQ worker process)
against the FCM fake, versus a bare loop of firebase-admin `send_each_async` calls sending the
same messages to the same fake, in the same run. Worker memory is sampled at 10 000 and at N.

Targets: >= 0.7x the bare rate per worker; worker memory flat as the audience grows.
"""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import VENV_BIN, cleanup

DEVICES = int(os.environ.get("BENCH_DEVICES", "100000"))
SMALL = 10_000


def setup(instance: Path, fake) -> dict[str, str]:  # type: ignore[no-untyped-def]
    credentials = instance / "firebase.json"
    fake.write_service_account(credentials)
    env = {"BAWABA_INSTANCE_DIR": str(instance), "FIREBASE_CREDENTIALS": str(credentials),
           "FCM_API_BASE": fake.url, "LOG_LEVEL": "WARNING"}
    for name in ("DATABASE_URL", "REDIS_URL"):
        if os.environ.get(f"BENCH_{name}"):
            env[name] = os.environ[f"BENCH_{name}"]
    os.environ.update(env)
    from core import migrate
    from core.catalog.loader import load_catalog

    migrate.upgrade()
    load_catalog()
    return env


def add_followers(count: int, start: int) -> None:
    """Citizens with one device each following MOI, in bulk (plain multi-row INSERTs)."""
    from sqlalchemy import insert, select

    from core.db import transaction
    from core.models import Agency, Citizen, Device, Subscription

    with transaction() as session:
        agency = session.scalar(select(Agency.id).where(Agency.code == "MOI"))
        first = session.scalar(select(Citizen.id).order_by(Citizen.id.desc()).limit(1)) or 0
        people = [{"id": first + i + 1, "phone": f"+974{30000000 + start + i}",
                   "language": "ar" if i % 2 else "en"} for i in range(count)]
        session.execute(insert(Citizen), people)
        session.execute(insert(Device), [{"citizen_id": p["id"], "token": f"t{p['phone']}",
                                          "platform": "android", "language": p["language"]}
                                         for p in people])
        session.execute(insert(Subscription), [{"citizen_id": p["id"], "agency_id": agency}
                                               for p in people])


def run_campaign(env: dict[str, str]) -> tuple[float, float, dict]:
    """Create a campaign and time one real worker process sending it; (seconds, peak MB)."""
    from sqlalchemy import update

    from core import campaigns
    from core.db import transaction
    from core.identity import Caller
    from core.models import Agency, Campaign

    with transaction() as session:
        agency = session.query(Agency).filter_by(code="MOI").one()
        body = {"title": {"ar": "تنبيه", "en": "Notice"}, "body": {"ar": "نص", "en": "Text"},
                "audience": {"followers": True}, "rate_per_second": 10_000, "draft": True}
        campaign = campaigns.create(session, Caller("api_key", 1, agency.id, "MOI"), body)
        # The benchmark must not wait for the sending window (08:00-21:00 Qatar time).
        session.execute(update(Campaign).where(Campaign.id == campaign.id).values(
            window_start="00:00", window_end="24:00", status="scheduled"))
        campaigns.schedule(session, campaign)
        campaign_id = campaign.id
    return (*_time_worker(env), campaign_id)


def _time_worker(env: dict[str, str]) -> tuple[float, float]:
    started = time.perf_counter()
    worker = subprocess.Popen(
        [str(VENV_BIN / "rq"), "worker", "-c", "core.rq_settings", "--serializer",
         "rq.serializers.JSONSerializer", "--path", ".", "--burst",
         "--worker-class", "rq.worker.SimpleWorker", "campaigns"],
        cwd=Path(__file__).resolve().parent.parent, env={**os.environ, **env})
    peak = 0.0
    while worker.poll() is None:
        peak = max(peak, _rss_mb(worker.pid))
        time.sleep(0.2)
    return time.perf_counter() - started, peak


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def bare(fake, credentials: str, count: int) -> float:  # type: ignore[no-untyped-def]
    """firebase-admin alone: send_each_async in batches of 500, nothing else."""
    from firebase_admin import messaging

    from push.fcm_client import make_fcm_app

    app = make_fcm_app(credentials, fake.url, name="bare-bench")
    messages = [messaging.Message(token=f"bare-{i}", notification=messaging.Notification(
        title="Notice", body="Text")) for i in range(count)]

    async def send_all() -> None:
        for start in range(0, count, 500):
            await messaging.send_each_async(messages[start:start + 500], app=app)

    started = time.perf_counter()
    asyncio.run(send_all())
    return time.perf_counter() - started


def main() -> int:
    from tests.fakes.fcm_fake import FcmFake

    instance = Path(tempfile.mkdtemp(prefix="bawaba-bench-"))
    with FcmFake(keep_messages=False) as fake:  # 100k kept messages would cost ~450 MB
        env = setup(instance, fake)
        try:
            add_followers(SMALL, 0)
            small_seconds, small_peak, _ = run_campaign(env)
            add_followers(DEVICES - SMALL, SMALL)
            sent_before = fake.sent_count
            seconds, peak, _ = run_campaign(env)
            sent = fake.sent_count - sent_before
            bare_seconds = bare(fake, env["FIREBASE_CREDENTIALS"], DEVICES)
        finally:
            cleanup(instance)
    ours, base = sent / seconds, DEVICES / bare_seconds
    print(f"backend         = {'PostgreSQL' if 'DATABASE_URL' in env else 'SQLite'}")
    print(f"devices         = {DEVICES} (sent {sent})")
    print(f"bare firebase-admin send_each_async  {base:8.0f} msgs/s")
    print(f"campaign job, one worker             {ours:8.0f} msgs/s  ({seconds:.1f} s)")
    verdict = "OK" if ours / base >= 0.7 else "BELOW TARGET"
    print(f"ratio           = {ours / base:.2f}x  (target >= 0.70)  {verdict}")
    print(f"worker peak RSS = {small_peak:.0f} MB at {SMALL} devices, {peak:.0f} MB at "
          f"{DEVICES} ({small_seconds:.1f} s for {SMALL})")
    print(f"workers for FCM's 600 000/min quota: {max(1, round(10_000 / ours + 0.49))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
