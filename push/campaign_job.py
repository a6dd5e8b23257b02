"""The campaign fan-out job: walks the audience in citizen-id order from the campaign's
cursor, writes one delivery row per citizen BEFORE sending, sends pushes in FCM batches (each
device in its own language) and SMS fallbacks through the outbox, and stops at once when
the campaign is paused, cancelled, or the sending window closes.

At most once: a crash after the delivery rows commit but before FCM answers leaves those rows
`pending`; the resumed job marks them `interrupted` instead of sending again."""
from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass, field

from redis.exceptions import LockError
from sqlalchemy import select, update

from core import campaigns, outbox
from core.db import transaction
from core.models import Campaign, CampaignDelivery, Citizen
from core.phones import is_mobile
from core.redis_conn import get_redis
from core.send_rate import wait_for_slot
from core.times import utcnow
from push.devices import prune, tokens_of
from push.fcm_client import PushMessage, PushResult
from push.provider import fcm_sender

log = logging.getLogger(__name__)

BATCH = 500
ERROR_BURST = 0.5  # pause when more than half of a batch (of 20 or more) fails


@dataclass
class Batch:
    pushes: list[tuple[int, PushMessage]] = field(default_factory=list)  # (citizen, message)
    last_id: int = 0
    targeted: int = 0
    by_sms: int = 0


def _lock(campaign_id: int):  # type: ignore[no-untyped-def]
    return get_redis().lock(f"campaign-lock:{campaign_id}", timeout=600, blocking_timeout=0)


def run_campaign(campaign_id: int) -> str:
    lock = _lock(campaign_id)
    if not lock.acquire():
        return "already running"
    try:
        return _run(campaign_id, lock)
    finally:
        with contextlib.suppress(LockError):  # it expired: another runner may hold it now
            lock.release()


def _start(campaign_id: int) -> str | None:
    """'sending' to go on, or why not."""
    with transaction() as session:
        c = session.scalars(select(Campaign).where(Campaign.id == campaign_id)
                            .with_for_update()).one_or_none()
        if c is None or c.status not in campaigns.RUNNING:
            return c.status if c else "gone"
        opens = campaigns.window_opens(c, utcnow())
        if opens is not None:
            c.status = "scheduled"
            campaigns.schedule(session, c, opens)
            return "outside window"
        if c.status == "scheduled":
            c.status, c.started_at = "sending", c.started_at or utcnow()
        _interrupted(session, c)
        return None


def _interrupted(session, campaign: Campaign) -> None:  # type: ignore[no-untyped-def]
    count = session.execute(
        update(CampaignDelivery).where(CampaignDelivery.campaign_id == campaign.id,
                                       CampaignDelivery.status == "pending")
        .values(status="failed", detail="interrupted")).rowcount or 0
    campaign.failed += count


def _run(campaign_id: int, lock) -> str:  # type: ignore[no-untyped-def]
    stopped = _start(campaign_id)
    if stopped is not None:
        return stopped
    while True:
        lock.extend(600, replace_ttl=True)
        batch, stopped = _next_batch(campaign_id)
        if stopped is not None:
            return stopped
        if batch is None:
            return "sent"
        _send(campaign_id, batch)


def _next_batch(campaign_id: int) -> tuple[Batch | None, str | None]:
    """Claim the next citizens: delivery rows written and the cursor moved, in one commit."""
    with transaction() as session:
        c = session.scalars(select(Campaign).where(Campaign.id == campaign_id)
                            .with_for_update()).one()
        if c.status != "sending":
            return None, c.status
        opens = campaigns.window_opens(c, utcnow())
        if opens is not None:
            c.status = "scheduled"
            campaigns.schedule(session, c, opens)
            return None, "outside window"
        audience = campaigns.audience_of(session, c)
        citizens = session.scalars(campaigns.audience_query(audience, c.cursor, BATCH)).all()
        if not citizens:
            c.status, c.finished_at = "sent", utcnow()
            return None, None
        batch = _claim(session, c, [x for x in citizens if campaigns.in_zones(x, audience)])
        c.cursor = citizens[-1].id
        c.targeted += batch.targeted
        c.sms_fallback_count += batch.by_sms
        return batch, None


def _claim(session, campaign: Campaign, citizens: list[Citizen]) -> Batch:  # type: ignore[no-untyped-def]
    batch = Batch()
    done = set(session.scalars(select(CampaignDelivery.citizen_id).where(
        CampaignDelivery.campaign_id == campaign.id,
        CampaignDelivery.citizen_id.in_([c.id for c in citizens]))))
    devices = tokens_of(session, [c.id for c in citizens])
    for citizen in citizens:
        if citizen.id in done:
            continue  # already had it (a resumed run): never twice
        batch.targeted += 1
        channel = _route(session, campaign, citizen, devices.get(citizen.id), batch)
        session.add(CampaignDelivery(campaign_id=campaign.id, citizen_id=citizen.id,
                                     channel=channel,
                                     status="pending" if channel == "push" else (
                                         "sent" if channel == "sms" else "skipped")))
    return batch


def _route(session, campaign: Campaign, citizen: Citizen, devices, batch: Batch) -> str:  # type: ignore[no-untyped-def]
    if devices:
        for token, language in devices:
            batch.pushes.append((citizen.id, _message(campaign, token, language)))
        return "push"
    if campaign.sms_fallback and is_mobile(citizen.phone) and not outbox.is_opted_out(
            session, citizen.phone):
        lang = citizen.language or "ar"
        text = f"{campaign.title[lang]}: {campaign.body[lang]}"
        outbox.add_sms(session, to=citizen.phone, body=text, kind="campaign", language=lang,
                       citizen_id=citizen.id,
                       dedupe_key=f"campaign:{campaign.id}:citizen:{citizen.id}")
        batch.by_sms += 1
        return "sms"
    return "none"


def _message(campaign: Campaign, token: str, language: str) -> PushMessage:
    lang = language if language in campaign.title else "ar"
    data = {"type": "campaign", "campaign_id": str(campaign.id)}
    return PushMessage(token=token, title=campaign.title[lang], body=campaign.body[lang],
                       data=data, deep_link=campaign.deep_link, language=lang)


def _send(campaign_id: int, batch: Batch) -> None:
    sender = fcm_sender()
    results: list[PushResult] = []
    if batch.pushes and sender is not None:
        with transaction() as session:
            rate = session.scalars(select(Campaign.rate_per_second).where(
                Campaign.id == campaign_id)).one()
        for start in range(0, len(batch.pushes), BATCH):
            chunk = batch.pushes[start:start + BATCH]
            wait_for_slot(f"campaign:{campaign_id}", rate, cost=len(chunk))
            results += sender.send_batch([m for _, m in chunk])
    _record(campaign_id, batch, results, provider=sender is not None)


def _record(campaign_id: int, batch: Batch, results: list[PushResult], *, provider: bool) -> None:
    ok_citizens = {cid for (cid, _), r in zip(batch.pushes, results, strict=False) if r.ok}
    pushed = {cid for cid, _ in batch.pushes}
    with transaction() as session:
        c = session.scalars(select(Campaign).where(Campaign.id == campaign_id)
                            .with_for_update()).one()
        pruned = prune(session, [r.token for r in results if r.outcome == "prune"])
        for citizen_id in pushed:
            ok = citizen_id in ok_citizens
            session.execute(update(CampaignDelivery).where(
                CampaignDelivery.campaign_id == campaign_id,
                CampaignDelivery.citizen_id == citizen_id).values(
                status="sent" if ok else "failed",
                detail=None if ok else ("no_provider" if not provider else "push_failed")))
        failed = len(pushed - ok_citizens)
        c.sent += len(ok_citizens) + batch.by_sms
        c.failed += failed
        c.pruned += pruned
        if len(pushed) >= 20 and failed / len(pushed) > ERROR_BURST:
            c.status, c.status_reason = "paused", "error_burst"
            log.warning("campaign paused on an error burst",
                        extra={"campaign_id": campaign_id, "failed": failed})


def _waiting_campaign_ids() -> set[int]:
    """Campaign ids that already have an RQ job queued or scheduled."""
    from core.queues import get_queue

    queue = get_queue("campaigns")
    ids = set(queue.job_ids) | set(queue.scheduled_job_registry.get_job_ids())
    jobs = [queue.fetch_job(job_id) for job_id in ids]
    return {job.args[0] for job in jobs if job is not None and job.args}


def resume_stalled() -> int:
    """Periodic: a campaign that should be running but has no job and no live runner (its
    worker died, or Redis lost the job) is handed to a worker again; the cursor makes it
    resume exactly where it stopped."""
    from core.queues import get_queue

    with transaction() as session:
        rows = session.execute(select(Campaign.id, Campaign.status, Campaign.send_at).where(
            Campaign.status.in_(campaigns.RUNNING))).all()
    waiting, redis, resumed = _waiting_campaign_ids(), get_redis(), 0
    for campaign_id, status, send_at in rows:
        due = status == "sending" or send_at is None or send_at <= utcnow().replace(
            tzinfo=send_at.tzinfo)
        if not due or campaign_id in waiting or redis.exists(f"campaign-lock:{campaign_id}"):
            continue
        get_queue("campaigns").enqueue(campaigns.JOB, campaign_id, job_timeout=3600)
        resumed += 1
    return resumed
