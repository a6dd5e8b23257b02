"""Service discovery (/open311/discovery.{json,xml}), as the Open311 Service Discovery spec.

The changeset is the catalogue's last load: that is when service lists and definitions
change, which is what the field tells clients (refresh cached services)."""
from __future__ import annotations

from typing import Any

from flask import Response
from sqlalchemy import select

from core.config import get_settings
from core.db import transaction
from core.models import CatalogMeta
from core.times import iso
from i18n.catalogs import N_, t
from mobile_api.open311 import formats
from mobile_api.open311.blueprint import bp, current_lang

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MIME_TYPES = ["application/json", "text/xml"]
CONTACT = N_("Bawaba, Qatar's government e-services. Call the Government Contact Centre "
             "on 109.")
KEY_SERVICE = N_("Reading is open to all. To file requests, a government agency asks the "
                 "Bawaba operators for an API key.")
NEVER_LOADED = "1970-01-01T00:00:00+00:00"


def _changeset() -> str:
    with transaction() as session:
        loaded = session.scalar(select(CatalogMeta.loaded_at).where(CatalogMeta.id == 1))
    return iso(loaded) or NEVER_LOADED


def discovery_document(lang: str) -> dict[str, Any]:
    changeset = _changeset()
    return {
        "changeset": changeset, "contact": t(lang, CONTACT), "key_service": t(lang, KEY_SERVICE),
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": get_settings().public_base_url + "/open311/v2",
            "changeset": changeset, "type": "production", "formats": MIME_TYPES,
        }],
    }


@bp.get("/discovery.<fmt>")
def discovery(fmt: str) -> Response:
    fmt = formats.checked(fmt)
    return formats.document("discovery", discovery_document(current_lang()), fmt)
