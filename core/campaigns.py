"""Agency campaigns: validation, the state machine, audiences and the sending window.

draft -> scheduled -> sending -> sent, or paused / cancelled. The fan-out job
(push.campaign_job) walks the audience by citizen id with a cursor, so a restart resumes
exactly where it stopped; one delivery row per (campaign, citizen) means at most once.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, exists, select
from sqlalchemy.orm import Session

from core.db import after_commit
from core.errors import Conflict, Msg, NotFound, ValidationFailed
from core.identity import Caller
from core.models import (
    Agency,
    Campaign,
    Citizen,
    Service,
    ServiceRequest,
    Subscription,
)
from core.qatar import MUNICIPALITY_ZONES
from core.queues import get_queue
from core.service_requests import OPEN_STATUSES
from core.times import aware, iso, utcnow
from i18n.catalogs import N_, SUPPORTED

QATAR = ZoneInfo("Asia/Qatar")
SEGMENT_KEYS = ("language", "municipality", "zone", "followers_of", "open_request_for")
MAX_TEXT = {"title": 120, "body": 1000}
JOB = "push.campaign_job.run_campaign"
DEFAULT_RATE = 500  # pushes per second per campaign
MAX_RATE = 10_000  # FCM's default project quota is 600 000 a minute
RUNNING = ("scheduled", "sending")


@dataclass(frozen=True)
class Audience:
    followers_of: int | None = None
    language: str | None = None
    zones: frozenset[int] | None = None
    open_request_for: int | None = None


def _texts(body: dict, name: str, errors: dict[str, Msg]) -> dict[str, str]:
    value = body.get(name)
    if not isinstance(value, dict):
        errors[name] = Msg(N_("Give the text in Arabic and English: {\"ar\": ..., \"en\": ...}."))
        return {}
    for lang in SUPPORTED:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            errors[f"{name}.{lang}"] = Msg(N_("This field is required."))
        elif len(text) > MAX_TEXT[name]:
            errors[f"{name}.{lang}"] = Msg(N_("Must be at most %(max)s characters."),
                                           {"max": MAX_TEXT[name]})
    return {lang: str(value.get(lang, "")).strip() for lang in SUPPORTED}


def _audience(raw: Any, errors: dict[str, Msg]) -> dict[str, Any]:
    if not isinstance(raw, dict) or len(raw) != 1:
        errors["audience"] = Msg(N_("Give exactly one of followers, all or segment."))
        return {}
    (key, value), = raw.items()
    if key in ("followers", "all") and value is True:
        return {key: True}
    if key == "segment" and isinstance(value, dict) and value:
        unknown = sorted(set(value) - set(SEGMENT_KEYS))
        if unknown:
            errors["audience.segment"] = Msg(N_("Unknown segment keys: %(keys)s."),
                                             {"keys": ", ".join(unknown)})
        return {"segment": value}
    errors["audience"] = Msg(N_("Give exactly one of followers, all or segment."))
    return {}


def _send_at(raw: Any, errors: dict[str, Msg]) -> dt.datetime | None:
    if raw in (None, ""):
        return None
    try:
        when = dt.datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        errors["send_at"] = Msg(
            N_("Give an ISO 8601 date and time, e.g. 2026-12-18T09:00:00+03:00."))
        return None
    when = when if when.tzinfo else when.replace(tzinfo=QATAR)
    if when < utcnow() - dt.timedelta(minutes=1):
        errors["send_at"] = Msg(N_("This time has already passed."))
    return when


def _deep_link(raw: Any, errors: dict[str, Msg]) -> str | None:
    if raw in (None, ""):
        return None
    if not isinstance(raw, str) or len(raw) > 500 or ":" not in raw:
        errors["deep_link"] = Msg(N_("Give a link such as bawaba://services/1001."))
        return None
    return raw


def create(session: Session, caller: Caller, body: Any) -> Campaign:
    if not isinstance(body, dict):
        raise ValidationFailed(N_("Send a JSON object."))
    errors: dict[str, Msg] = {}
    values = {"title": _texts(body, "title", errors), "body": _texts(body, "body", errors),
              "audience": _audience(body.get("audience"), errors),
              "send_at": _send_at(body.get("send_at"), errors),
              "deep_link": _deep_link(body.get("deep_link"), errors)}
    if not isinstance(body.get("sms_fallback", False), bool):
        errors["sms_fallback"] = Msg(N_("Must be true or false."))
    rate = body.get("rate_per_second", DEFAULT_RATE)
    if not isinstance(rate, int) or isinstance(rate, bool) or not 1 <= rate <= MAX_RATE:
        errors["rate_per_second"] = Msg(N_("Must be between %(min)s and %(max)s."),
                                        {"min": 1, "max": MAX_RATE})
    if not errors:
        _resolve_segment(session, cast(dict, values["audience"]), errors)
    if errors:
        raise ValidationFailed(fields=errors)
    draft = body.get("draft") is True
    campaign = Campaign(agency_id=caller.agency_id, created_by=caller.actor,
                        sms_fallback=bool(body.get("sms_fallback", False)), rate_per_second=rate,
                        status="draft" if draft else "scheduled", **values)
    session.add(campaign)
    session.flush()
    if not draft:
        schedule(session, campaign)
    return campaign


def _resolve_segment(session: Session, audience: dict, errors: dict[str, Msg]) -> None:
    segment = audience.get("segment")
    if segment is None:
        return
    try:
        audience["segment"] = _checked_segment(session, segment)
    except ValidationFailed as exc:
        errors.update(exc.fields)


def _checked_segment(session: Session, segment: dict[str, Any]) -> dict[str, Any]:
    def bad(key: str) -> ValidationFailed:
        return ValidationFailed(fields={f"audience.segment.{key}": Msg(N_("Unknown value."))})

    if "language" in segment and segment["language"] not in SUPPORTED:
        raise bad("language")
    if "municipality" in segment and segment["municipality"] not in MUNICIPALITY_ZONES:
        raise bad("municipality")
    zones = segment.get("zone")
    if zones is not None:
        zones = zones if isinstance(zones, list) else [zones]
        if not all(isinstance(z, int) and 1 <= z <= 98 for z in zones):
            raise bad("zone")
    if "followers_of" in segment and _agency_id(session, segment["followers_of"]) is None:
        raise bad("followers_of")
    code = segment.get("open_request_for")
    if code is not None and session.scalar(select(Service.id).where(
            Service.code == str(code))) is None:
        raise bad("open_request_for")
    return segment


def _agency_id(session: Session, code: Any) -> int | None:
    return session.scalar(select(Agency.id).where(Agency.code == str(code).upper()))


def audience_of(session: Session, campaign: Campaign) -> Audience:
    audience = campaign.audience
    if audience.get("followers"):
        return Audience(followers_of=campaign.agency_id)
    segment = audience.get("segment") or {}
    zones: set[int] = set()
    if "municipality" in segment:
        zones |= set(MUNICIPALITY_ZONES[segment["municipality"]])
    if "zone" in segment:
        zones |= set(segment["zone"] if isinstance(segment["zone"], list) else [segment["zone"]])
    service_id = session.scalar(select(Service.id).where(
        Service.code == segment["open_request_for"])) if "open_request_for" in segment else None
    return Audience(
        followers_of=_agency_id(session, segment["followers_of"])
        if "followers_of" in segment else None,
        language=segment.get("language"), zones=frozenset(zones) if zones else None,
        open_request_for=service_id)


def audience_query(audience: Audience, after_id: int, limit: int) -> Select:
    query = select(Citizen).where(Citizen.id > after_id).order_by(Citizen.id).limit(limit)
    if audience.followers_of is not None:
        query = query.where(exists().where(and_(Subscription.citizen_id == Citizen.id,
                                                Subscription.agency_id == audience.followers_of)))
    if audience.language is not None:
        query = query.where(Citizen.language == audience.language)
    if audience.open_request_for is not None:
        query = query.where(exists().where(and_(
            ServiceRequest.citizen_id == Citizen.id,
            ServiceRequest.service_id == audience.open_request_for,
            ServiceRequest.status.in_(OPEN_STATUSES))))
    return query


def in_zones(citizen: Citizen, audience: Audience) -> bool:
    """Zones live inside the address JSON; filtered here so SQLite and PostgreSQL agree."""
    if audience.zones is None:
        return True
    zone = (citizen.address or {}).get("zone")
    return zone in audience.zones


def _local_minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def window_opens(campaign: Campaign, now: dt.datetime) -> dt.datetime | None:
    """None if `now` is inside the campaign's sending window, else when it next opens."""
    local = now.astimezone(QATAR)
    start, end = _local_minutes(campaign.window_start), _local_minutes(campaign.window_end)
    minute = local.hour * 60 + local.minute
    if start <= minute < end:
        return None
    opening = local.replace(hour=start // 60, minute=start % 60, second=0, microsecond=0)
    if minute >= end:
        opening += dt.timedelta(days=1)
    return opening.astimezone(dt.UTC)


def schedule(session: Session, campaign: Campaign, at: dt.datetime | None = None) -> None:
    """Hand the campaign to the fan-out job, now or at `at` (RQ's scheduler runs it then)."""
    at = at or (aware(campaign.send_at) if campaign.send_at else None)
    queue = get_queue("campaigns")
    campaign_id = campaign.id
    if at is not None and at > utcnow():
        after_commit(session, lambda: queue.enqueue_at(at, JOB, campaign_id, job_timeout=3600))
    else:
        after_commit(session, lambda: queue.enqueue(JOB, campaign_id, job_timeout=3600))


def find(session: Session, caller: Caller, campaign_id: int, *, lock: bool = False) -> Campaign:
    query = select(Campaign).where(Campaign.id == campaign_id)
    campaign = session.scalar(query.with_for_update() if lock else query)
    if campaign is None or campaign.agency_id != caller.agency_id:
        raise NotFound()
    return campaign


TRANSITIONS = {
    "cancel": ({"draft", "scheduled", "sending", "paused"}, "cancelled"),
    "pause": ({"scheduled", "sending"}, "paused"),
    "resume": ({"paused"}, "scheduled"),
    "launch": ({"draft"}, "scheduled"),
}


def act(session: Session, caller: Caller, campaign_id: int, action: str) -> Campaign:
    campaign = find(session, caller, campaign_id, lock=True)
    allowed, target = TRANSITIONS[action]
    if campaign.status not in allowed:
        raise Conflict(N_("A campaign that is %(current)s cannot be changed this way."),
                       current=campaign.status)
    campaign.status, campaign.status_reason = target, None
    if target == "scheduled":
        schedule(session, campaign, utcnow() if action == "resume" else None)
    return campaign


def view(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.id, "status": campaign.status, "status_reason": campaign.status_reason,
        "title": campaign.title, "body": campaign.body, "audience": campaign.audience,
        "deep_link": campaign.deep_link, "send_at": iso(campaign.send_at),
        "window": {"start": campaign.window_start, "end": campaign.window_end,
                   "timezone": "Asia/Qatar"},
        "rate_per_second": campaign.rate_per_second,
        "sms_fallback_enabled": campaign.sms_fallback, "targeted": campaign.targeted,
        "sent": campaign.sent, "failed": campaign.failed,
        "pruned": campaign.pruned, "sms_fallback": campaign.sms_fallback_count,
        "created_at": iso(campaign.created_at), "started_at": iso(campaign.started_at),
        "finished_at": iso(campaign.finished_at),
    }
