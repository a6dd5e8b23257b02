"""The process's current catalogue snapshot, refreshed when a load bumps the version.

Each process checks the version at most every CATALOG_REFRESH_SECONDS (default 5 s), so a
`catalog load` is visible everywhere within 10 s. While a new snapshot builds in a background
thread, requests keep being answered from the previous one.
"""
from __future__ import annotations

import logging
import threading
import time

from sqlalchemy.orm import Session

from core.catalog.snapshot import CatalogSnapshot, build_snapshot, current_version
from core.config import get_settings
from core.db import init_engine

log = logging.getLogger(__name__)

_lock = threading.Lock()
_snapshot: CatalogSnapshot | None = None
_checked_at = 0.0
_rebuilding = False


def _own_session() -> Session:
    # Never the thread's shared session: callers may be inside a transaction of their own.
    return Session(init_engine())


def _build() -> CatalogSnapshot:
    with _own_session() as session:
        return build_snapshot(session)


def _rebuild_in_background() -> None:
    global _snapshot, _rebuilding
    try:
        started = time.monotonic()
        fresh = _build()
        _snapshot = fresh
        log.info("catalogue snapshot rebuilt", extra={
            "catalog_version": fresh.version, "services": len(fresh.services),
            "seconds": round(time.monotonic() - started, 3)})
    except Exception:
        log.exception("catalogue snapshot rebuild failed; still serving the previous one")
    finally:
        _rebuilding = False


def _version_changed(snapshot: CatalogSnapshot) -> bool:
    with _own_session() as session:
        return current_version(session) != snapshot.version


def current_catalog() -> CatalogSnapshot:
    global _snapshot, _checked_at, _rebuilding
    snapshot = _snapshot
    if snapshot is None:
        with _lock:
            if _snapshot is None:
                _snapshot = _build()
                _checked_at = time.monotonic()
            return _snapshot
    if time.monotonic() - _checked_at < get_settings().catalog_refresh_seconds:
        return snapshot
    with _lock:
        if time.monotonic() - _checked_at < get_settings().catalog_refresh_seconds:
            return snapshot
        _checked_at = time.monotonic()
        if not _rebuilding and _version_changed(snapshot):
            _rebuilding = True
            threading.Thread(target=_rebuild_in_background, daemon=True).start()
    return snapshot


def forget() -> None:
    global _snapshot
    with _lock:
        _snapshot = None
