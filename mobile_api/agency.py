"""The agency side: staff and agency systems work their own agency's requests and complaints.

Another agency's objects answer 404, exactly like objects that do not exist."""
from __future__ import annotations

from flask import request
from flask_restx import Namespace, Resource
from sqlalchemy import select

from core import complaints, service_requests
from core.catalog.cache import current_catalog
from core.db import transaction
from core.models import Complaint, ServiceRequest
from mobile_api import auth
from mobile_api.cases import _listing
from mobile_api.errors import lang
from mobile_api.params import Args
from mobile_api.responses import json_response

ns = Namespace("agency", path="/agency",
               description="Agency staff (Bearer) and agency systems (X-Api-Key)")


def _agency_request_view(req: ServiceRequest) -> dict:
    view = service_requests.request_view(req, lang(), current_catalog())
    view["citizen"] = {"name": req.citizen.name, "phone": req.citizen.phone,
                       "qid": req.citizen.qid}
    return view


@ns.route("/requests")
class AgencyRequests(Resource):
    def get(self):  # type: ignore[no-untyped-def]
        who, args = auth.agency("viewer"), Args(request.args)
        status = args.choice("status", service_requests.STATUSES)
        with transaction() as session:
            query = select(ServiceRequest).where(ServiceRequest.agency_id == who.agency_id)
            if status:
                query = query.where(ServiceRequest.status == status)
            return _listing(session, query, args, _agency_request_view)


@ns.route("/requests/<string:reference>")
class AgencyRequest(Resource):
    def get(self, reference: str):  # type: ignore[no-untyped-def]
        who = auth.agency("viewer")
        with transaction() as session:
            req = service_requests.find_for_agency(session, who.agency_id or 0, reference)
            return json_response(_agency_request_view(req))


@ns.route("/requests/<string:reference>/status")
class AgencyRequestStatus(Resource):
    def post(self, reference: str):  # type: ignore[no-untyped-def]
        who, body = auth.agency("officer"), auth.json_body()
        with transaction() as session:
            req = service_requests.change_status(session, who, reference, body)
            return json_response(_agency_request_view(req))


@ns.route("/complaints")
class AgencyComplaints(Resource):
    def get(self):  # type: ignore[no-untyped-def]
        who, args = auth.agency("viewer"), Args(request.args)
        status = args.choice("status", ("open", "answered", "closed"))
        with transaction() as session:
            query = select(Complaint).where(Complaint.agency_id == who.agency_id)
            if status:
                query = query.where(Complaint.status == status)
            return _listing(session, query, args,
                            lambda c: complaints.complaint_view(c, lang()))


@ns.route("/complaints/<string:reference>")
class AgencyComplaint(Resource):
    def get(self, reference: str):  # type: ignore[no-untyped-def]
        who = auth.agency("viewer")
        with transaction() as session:
            complaint = complaints.find_for_agency(session, who.agency_id or 0, reference)
            return json_response(complaints.complaint_view(complaint, lang()))


@ns.route("/complaints/<string:reference>/reply")
class AgencyComplaintReply(Resource):
    def post(self, reference: str):  # type: ignore[no-untyped-def]
        who, body = auth.agency("officer"), auth.json_body()
        with transaction() as session:
            complaint = complaints.agency_reply(session, who, reference, body)
            return json_response(complaints.complaint_view(complaint, lang()))


@ns.route("/complaints/<string:reference>/close")
class AgencyComplaintClose(Resource):
    def post(self, reference: str):  # type: ignore[no-untyped-def]
        who = auth.agency("officer")
        with transaction() as session:
            complaint = complaints.find_for_agency(session, who.agency_id or 0, reference)
            return json_response(complaints.complaint_view(
                complaints.close(session, complaint), lang()))
