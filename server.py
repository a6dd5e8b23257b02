"""The Flask application: every channel's blueprint on one core."""
from __future__ import annotations

import time
import uuid

from flask import Flask, Response, g, request
from flask_babel import Babel

import cli
import mobile_api
import sms_gateway
from core import outbox_metrics
from core.config import Settings, get_settings, override_settings
from core.db import SessionLocal, init_engine
from core.logs import configure_logging, request_id_var
from core.metrics import HTTP_LATENCY, HTTP_REQUESTS
from i18n.catalogs import TRANSLATIONS_DIR, compile_catalogs
from i18n.locale import negotiate
from mobile_api import open311

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def create_app(settings: Settings | None = None) -> Flask:
    if settings is not None:
        override_settings(settings)
    settings = get_settings()
    configure_logging(settings.log_level)
    compile_catalogs()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        # Uploads may be 10 MB; multipart framing needs a little more.
        MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES + 64 * 1024,
        ERROR_404_HELP=False,
        RESTX_ERROR_404_HELP=False,
        ERROR_INCLUDE_MESSAGE=False,  # RESTX must not add its own "message" beside ours
        RESTX_MASK_SWAGGER=False,
        RESTX_JSON={"ensure_ascii": False, "separators": (",", ":")},
        BABEL_TRANSLATION_DIRECTORIES=str(TRANSLATIONS_DIR),
        BABEL_DEFAULT_LOCALE="ar",
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    Babel(app, locale_selector=lambda: getattr(g, "lang", "ar"))
    init_engine(settings)
    _install_request_hooks(app)
    outbox_metrics.install()
    mobile_api.register(app)
    open311.register(app)
    sms_gateway.register(app)
    cli.register(app)
    return app


def _install_request_hooks(app: Flask) -> None:
    @app.before_request
    def _start() -> None:
        g.started = time.perf_counter()
        incoming = request.headers.get("X-Request-Id", "")
        g.request_id = incoming if 0 < len(incoming) <= 64 else uuid.uuid4().hex
        request_id_var.set(g.request_id)
        g.lang = negotiate(request.args.get("lang"), request.headers.get("Accept-Language"))

    @app.after_request
    def _finish(response: Response) -> Response:
        response.headers["Content-Language"] = getattr(g, "lang", "ar")
        response.headers["X-Request-Id"] = getattr(g, "request_id", "-")
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        HTTP_REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
        if hasattr(g, "started"):
            HTTP_LATENCY.labels(endpoint).observe(time.perf_counter() - g.started)
        return response

    @app.teardown_appcontext
    def _release_session(_exc: BaseException | None) -> None:
        SessionLocal.remove()
