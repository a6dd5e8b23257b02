"""Engine, sessions and transactions. SQLite (embedded default) and PostgreSQL (production)."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import JSON, MetaData, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker

from core.config import Settings, get_settings

# Deterministic constraint names, so Alembic migrations are the same on every backend.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# JSON on SQLite, JSONB on PostgreSQL.
JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets the web, worker and scheduler processes read while one writes.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    # WAL + NORMAL: a commit survives a crash of any process (SQLite's recommended pairing);
    # only a power cut can lose the last commits. Production durability is PostgreSQL's.
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


_engine: Engine | None = None
SessionLocal = scoped_session(sessionmaker(expire_on_commit=False))


def init_engine(settings: Settings | None = None) -> Engine:
    """Create (once) the process engine and bind the session factory to it."""
    global _engine
    if _engine is None:
        settings = settings or get_settings()
        if settings.database_url.startswith("sqlite"):
            settings.instance_dir.mkdir(parents=True, exist_ok=True)
        _engine = make_engine(settings.database_url)
        SessionLocal.configure(bind=_engine)
    return _engine


def dispose_engine() -> None:
    global _engine, _reader
    _reader = None
    SessionLocal.remove()
    if _engine is not None:
        _engine.dispose()
    _engine = None


def get_session() -> Session:
    init_engine()
    return SessionLocal()


@contextmanager
def transaction() -> Iterator[Session]:
    """Commit on success, roll back on any error. Nested use joins the outer transaction."""
    session = get_session()
    if session.in_transaction() and session.info.get("bawaba_tx_depth", 0) > 0:
        session.info["bawaba_tx_depth"] += 1
        try:
            yield session
        finally:
            session.info["bawaba_tx_depth"] -= 1
        return
    session.info["bawaba_tx_depth"] = 1
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info["bawaba_tx_depth"] = 0


def is_postgres() -> bool:
    return init_engine().dialect.name == "postgresql"


_AFTER_COMMIT = "bawaba_after_commit"


def after_commit(session: Session, call: Any) -> None:
    """Run `call()` once the session's current transaction commits (never if it rolls back):
    queue work must not point at rows that were never written."""
    session.info.setdefault(_AFTER_COMMIT, []).append(call)


def _run_after_commit(session: Session) -> None:
    for call in session.info.pop(_AFTER_COMMIT, []):
        try:
            call()
        except Exception:
            # The commit stands; what failed here (an enqueue) is recovered by the sweepers.
            logging.getLogger(__name__).warning("after-commit call failed", exc_info=True)


event.listen(Session, "after_commit", _run_after_commit)
event.listen(Session, "after_soft_rollback",
             lambda session, _tx: session.info.pop(_AFTER_COMMIT, None))


_reader: Engine | None = None


@contextmanager
def reading() -> Iterator[Connection]:
    """A plain connection for reads only, in autocommit mode: no ORM, and no BEGIN/COMMIT
    round trips around a single SELECT (each statement sees committed data)."""
    global _reader
    if _reader is None:
        _reader = init_engine().execution_options(isolation_level="AUTOCOMMIT")
    with _reader.connect() as connection:
        yield connection
