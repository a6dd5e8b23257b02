"""JSON API for the native app (Flask-RESTX, OpenAPI at /api/v1/swagger.json)."""
from __future__ import annotations

from flask import Blueprint, Flask
from flask_restx import Api

from mobile_api import accounts, agency, campaigns, cases, catalog, limits, ops
from mobile_api.errors import error_response, parts_for


def _api(blueprint: Blueprint) -> Api:
    api = Api(
        blueprint, version="1.0", title="Bawaba API",
        description="Qatar's government e-services for the native app. Arabic first: "
                    "?lang=ar|en, else Accept-Language, else Arabic.",
        doc="/docs", default_mediatype="application/json",
        authorizations={"bearer": {"type": "apiKey", "in": "header", "name": "Authorization"},
                        "apiKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}},
    )
    for namespace in (catalog.ns, accounts.ns, cases.ns, agency.ns, campaigns.ns):
        api.add_namespace(namespace)
    # RESTX catches errors inside its routes before Flask does: give it the same handlers.
    api.errorhandler(Exception)(parts_for)
    return api


def register(app: Flask) -> None:
    blueprint = Blueprint("api_v1", __name__, url_prefix="/api/v1")
    app.extensions["bawaba_api"] = _api(blueprint)
    app.register_blueprint(blueprint)
    app.register_blueprint(ops.bp)
    limits.init(app)
    # Everything outside RESTX (unknown paths, other channels' JSON) gets the same shape.
    app.register_error_handler(Exception, error_response)
