"""Operations endpoints: liveness, readiness (database + Redis) and Prometheus metrics."""
from __future__ import annotations

from flask import Blueprint, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from core.db import get_session
from core.metrics import REGISTRY
from core.redis_conn import get_redis
from mobile_api.responses import json_response

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    return json_response({"status": "ok"})


def _database_answers() -> bool:
    session = get_session()
    try:
        session.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        session.close()


def _redis_answers() -> bool:
    try:
        return bool(get_redis().ping())
    except Exception:
        return False


@bp.get("/readyz")
def readyz() -> Response:
    checks = {"database": _database_answers(), "redis": _redis_answers()}
    down = [name for name, ok in checks.items() if not ok]
    if down:
        return json_response({"status": "unavailable", "down": down,
                              "checks": {k: "ok" if v else "down" for k, v in checks.items()}},
                             503)
    return json_response({"status": "ok", "checks": {k: "ok" for k in checks}})


@bp.get("/metrics")
def metrics() -> Response:
    return Response(generate_latest(REGISTRY), mimetype=CONTENT_TYPE_LATEST)
