"""A citizen's requests (submit, track, upload documents) and complaints."""
from __future__ import annotations

from flask import request
from flask_restx import Namespace, Resource
from sqlalchemy import func, select

from core import complaints, idempotency, service_requests
from core.catalog.cache import current_catalog
from core.db import reading, transaction
from core.errors import PayloadTooLarge, UnsupportedMediaType, invalid
from core.models import Citizen, Complaint, RequestDocument
from core.storage import document_store, sniff_content_type
from core.times import utcnow
from i18n.catalogs import N_
from mobile_api import auth
from mobile_api.errors import lang
from mobile_api.params import Args
from mobile_api.responses import json_response, page

ns = Namespace("cases", path="/", description="Service requests and complaints")

MAX_DOCUMENT = 10 * 1024 * 1024


def created(scope: str, make) -> object:  # type: ignore[no-untyped-def]
    """Run a create call under the request's Idempotency-Key, if it has one."""
    key = request.headers.get("Idempotency-Key")
    print_ = idempotency.fingerprint(request.method, request.path, request.get_data())
    (status, body), replayed = idempotency.run(scope, key, print_, make)
    response = json_response(body, status)
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def _listing(session, query, args: Args, view):  # type: ignore[no-untyped-def]
    page_no, per_page = args.pagination()
    args.done()
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(query.column_descriptions[0]["entity"].id.desc())
                           .offset((page_no - 1) * per_page).limit(per_page)).all()
    return json_response(page([view(r) for r in rows], page_no, per_page, total))


@ns.route("/requests")
class Requests(Resource):
    def post(self):  # type: ignore[no-untyped-def]
        who, body = auth.citizen(), auth.json_body()

        catalog = current_catalog()

        def make(session):  # type: ignore[no-untyped-def]
            req = service_requests.submit(session, catalog, who, body)
            return 201, service_requests.request_view(req, lang(), catalog)
        return created(who.actor, make)

    def get(self):  # type: ignore[no-untyped-def]
        who, args, catalog = auth.citizen(), Args(request.args), current_catalog()
        status = args.choice("status", service_requests.STATUSES)
        page_no, per_page = args.pagination()
        args.done()
        with reading() as session:
            rows, total = service_requests.list_for_citizen(session, who.id, status, page_no,
                                                            per_page)
        items = [service_requests.request_view(r, lang(), catalog, with_history=False)
                 for r in rows]
        return json_response(page(items, page_no, per_page, total))


@ns.route("/requests/<string:reference>")
class RequestDetail(Resource):
    def get(self, reference: str):  # type: ignore[no-untyped-def]
        who, catalog = auth.citizen(), current_catalog()
        with reading() as session:
            row = service_requests.fetch_for_citizen(session, who.id, reference)
        return json_response(service_requests.request_view(row, lang(), catalog))


def _upload() -> tuple[bytes, str, str]:
    upload = request.files.get("file")
    if upload is None:
        raise invalid("file", N_("Attach the document as the multipart field 'file'."))
    data = upload.read(MAX_DOCUMENT + 1)
    if len(data) > MAX_DOCUMENT:
        raise PayloadTooLarge(N_("Documents may be at most 10 MB."))
    if not data:
        raise invalid("file", N_("The file is empty."))
    content_type = sniff_content_type(data[:16])
    if content_type is None:
        raise UnsupportedMediaType(N_("Send a PDF, JPEG or PNG file."))
    name = (upload.filename or "document").replace("/", "_").replace("\\", "_")[-200:]
    return data, content_type, name


@ns.route("/requests/<string:reference>/documents")
class RequestDocuments(Resource):
    def post(self, reference: str):  # type: ignore[no-untyped-def]
        who = auth.citizen()
        with transaction() as session:
            service_requests.fetch_for_citizen(session, who.id, reference)  # 404 first
        data, content_type, name = _upload()
        store = document_store()
        key = store.put(data, content_type)
        try:
            with transaction() as session:
                req = service_requests.find_for_citizen(session, who.id, reference)
                document = RequestDocument(name=name, size=len(data), content_type=content_type,
                                           storage_key=key, created_at=utcnow())
                service_requests.add_document(session, req, document)
                view = service_requests.document_view(document)
        except Exception:
            store.delete(key)  # no orphan file when the row could not be written
            raise
        return json_response(view, 201)


@ns.route("/complaints")
class Complaints(Resource):
    def post(self):  # type: ignore[no-untyped-def]
        who, body = auth.citizen(), auth.json_body()

        def make(session):  # type: ignore[no-untyped-def]
            citizen = session.get(Citizen, who.id)
            filing = complaints.filing_from_json(body, who, "app", citizen.language or lang())
            filing = complaints.Filing(**{**filing.__dict__, "phone": citizen.phone})
            complaint = complaints.file(session, current_catalog(), filing)
            return 201, complaints.complaint_view(complaint, lang())
        return created(who.actor, make)

    def get(self):  # type: ignore[no-untyped-def]
        who, args = auth.citizen(), Args(request.args)
        status = args.choice("status", ("open", "answered", "closed"))
        with transaction() as session:
            citizen = session.get(Citizen, who.id)
            query = select(Complaint).where((Complaint.citizen_id == who.id)
                                            | (Complaint.phone == citizen.phone))
            if status:
                query = query.where(Complaint.status == status)
            return _listing(session, query, args,
                            lambda c: complaints.complaint_view(c, lang()))


@ns.route("/complaints/<string:reference>")
class ComplaintDetail(Resource):
    def get(self, reference: str):  # type: ignore[no-untyped-def]
        who = auth.citizen()
        with transaction() as session:
            complaint = complaints.find_for_citizen(session, session.get(Citizen, who.id),
                                                    reference)
            return json_response(complaints.complaint_view(complaint, lang()))


@ns.route("/complaints/<string:reference>/replies")
class ComplaintReplies(Resource):
    def post(self, reference: str):  # type: ignore[no-untyped-def]
        who, body = auth.citizen(), auth.json_body()
        with transaction() as session:
            complaint = complaints.citizen_reply(session, session.get(Citizen, who.id),
                                                 reference, body)
            return json_response(complaints.complaint_view(complaint, lang()), 201)


@ns.route("/complaints/<string:reference>/close")
class ComplaintClose(Resource):
    def post(self, reference: str):  # type: ignore[no-untyped-def]
        who = auth.citizen()
        with transaction() as session:
            complaint = complaints.find_for_citizen(session, session.get(Citizen, who.id),
                                                    reference)
            return json_response(complaints.complaint_view(
                complaints.close(session, complaint), lang()))
