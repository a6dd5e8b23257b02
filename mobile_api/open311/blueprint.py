"""The Open311 blueprint and the language every response of it is written in."""
from __future__ import annotations

from flask import Blueprint, Response, request

from i18n.locale import negotiate

bp = Blueprint("open311", __name__, url_prefix="/open311")


def current_lang() -> str:
    """?lang=ar|en, else Accept-Language, else Arabic (contract section 1)."""
    return negotiate(request.args.get("lang"), request.headers.get("Accept-Language"))


@bp.after_request
def _content_language(response: Response) -> Response:
    response.headers["Content-Language"] = current_lang()
    return response
