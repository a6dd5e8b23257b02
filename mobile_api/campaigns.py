"""Agency campaigns: create (now, at send_at, or as a draft), follow live figures, pause,
resume, cancel. Staff need the manager role; agency systems (API keys) may send."""
from __future__ import annotations

from flask import request
from flask_restx import Namespace, Resource
from sqlalchemy import select

from core import campaigns
from core.db import transaction
from core.models import Campaign
from mobile_api import auth
from mobile_api.cases import _listing, created
from mobile_api.params import Args
from mobile_api.responses import json_response

ns = Namespace("campaigns", path="/agency/campaigns",
               description="Push (and SMS fallback) campaigns to citizens")


@ns.route("")
class Campaigns(Resource):
    def post(self):  # type: ignore[no-untyped-def]
        who, body = auth.agency("manager"), auth.json_body()

        def make(session):  # type: ignore[no-untyped-def]
            campaign = campaigns.create(session, who, body)
            return 201, campaigns.view(campaign)
        return created(who.actor, make)

    def get(self):  # type: ignore[no-untyped-def]
        who, args = auth.agency("viewer"), Args(request.args)
        with transaction() as session:
            query = select(Campaign).where(Campaign.agency_id == who.agency_id)
            return _listing(session, query, args, campaigns.view)


@ns.route("/<int:campaign_id>")
class CampaignDetail(Resource):
    def get(self, campaign_id: int):  # type: ignore[no-untyped-def]
        who = auth.agency("viewer")
        with transaction() as session:
            return json_response(campaigns.view(campaigns.find(session, who, campaign_id)))


def _action(campaign_id: int, action: str):  # type: ignore[no-untyped-def]
    who = auth.agency("manager")
    with transaction() as session:
        return json_response(campaigns.view(campaigns.act(session, who, campaign_id, action)))


@ns.route("/<int:campaign_id>/cancel")
class CampaignCancel(Resource):
    def post(self, campaign_id: int):  # type: ignore[no-untyped-def]
        return _action(campaign_id, "cancel")


@ns.route("/<int:campaign_id>/pause")
class CampaignPause(Resource):
    def post(self, campaign_id: int):  # type: ignore[no-untyped-def]
        return _action(campaign_id, "pause")


@ns.route("/<int:campaign_id>/resume")
class CampaignResume(Resource):
    def post(self, campaign_id: int):  # type: ignore[no-untyped-def]
        return _action(campaign_id, "resume")


@ns.route("/<int:campaign_id>/launch")
class CampaignLaunch(Resource):
    def post(self, campaign_id: int):  # type: ignore[no-untyped-def]
        return _action(campaign_id, "launch")
