"""Open311 GeoReport v2 at /open311/v2 and its discovery document at /open311/discovery.

A plain Flask blueprint (not RESTX): the wire formats are the specification's JSON and
schemaless XML, and every error is the specification's error array."""
from __future__ import annotations

from flask import Flask

# Importing the view modules registers their routes on the blueprint.
from mobile_api.open311 import discovery, errors, listing, posting, services, tokens  # noqa: F401
from mobile_api.open311.blueprint import bp


def register(app: Flask) -> None:
    if bp.name not in app.blueprints:
        app.register_blueprint(bp)
