"""Test setup against real services.

DATABASE_URL and REDIS_URL, when set (CI sets PostgreSQL and Redis), are used as they are;
otherwise the suite runs on the embedded defaults: SQLite and the embedded Redis, each under a
temporary instance folder. The schema is always built by the real Alembic migrations.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from core import migrate
from core.catalog import cache
from core.catalog.loader import load_catalog
from core.config import Settings, override_settings
from core.db import Base, dispose_engine, init_engine
from core.redis_conn import get_redis, reset_clients
from tests.fakes.fcm_fake import FcmFake
from tests.fakes.twilio_fake import TwilioFake

# Catalogue tables survive between tests (loaded once); everything else is emptied.
CATALOG_TABLES = {"agencies", "categories", "offices", "services", "service_offices",
                  "catalog_meta", "alembic_version"}


def _ensure_postgres_database(url: str) -> None:
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                             {"n": parsed.database})
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def reset_schema() -> None:
    """Drop everything, then migrate from an empty database."""
    engine = init_engine()
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        else:
            Base.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    migrate.upgrade()


@pytest.fixture(scope="session")
def twilio_fake() -> Iterator[TwilioFake]:
    with TwilioFake() as fake:
        yield fake


@pytest.fixture()
def twilio(twilio_fake: TwilioFake) -> Iterator[TwilioFake]:
    """The Twilio fake, reset before each test that uses it."""
    twilio_fake.reset()
    yield twilio_fake
    twilio_fake.reset()


@pytest.fixture(scope="session")
def fcm_fake() -> Iterator[FcmFake]:
    with FcmFake() as fake:
        yield fake


@pytest.fixture()
def fcm(fcm_fake: FcmFake) -> Iterator[FcmFake]:
    """The FCM fake, reset before each test that uses it."""
    fcm_fake.reset()
    yield fcm_fake
    fcm_fake.reset()


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory, twilio_fake: TwilioFake,
             fcm_fake: FcmFake) -> Iterator[Settings]:
    instance = Path(tmp_path_factory.mktemp("instance"))
    credentials = instance / "firebase-service-account.json"
    fcm_fake.write_service_account(credentials)
    env = dict(os.environ, BAWABA_INSTANCE_DIR=str(instance), CATALOG_REFRESH_SECONDS="0.2",
               PUBLIC_BASE_URL="https://bawaba.test", TWILIO_ACCOUNT_SID=twilio_fake.account_sid,
               TWILIO_AUTH_TOKEN=twilio_fake.auth_token, TWILIO_FROM="+97450000000",
               TWILIO_API_BASE=twilio_fake.url, TWILIO_MPS="1000",
               FIREBASE_CREDENTIALS=str(credentials), FCM_API_BASE=fcm_fake.url)
    settings = Settings.from_env(env)
    if settings.database_url.startswith("postgresql"):
        _ensure_postgres_database(settings.database_url)
    override_settings(settings)
    yield settings
    dispose_engine()
    if settings.uses_embedded_redis:
        get_redis().shutdown(nosave=True)
    reset_clients()
    override_settings(None)


@pytest.fixture(scope="session")
def database(settings: Settings) -> Iterator[None]:
    reset_schema()
    load_catalog()
    yield


@pytest.fixture(scope="session")
def app(settings: Settings, database: None):  # type: ignore[no-untyped-def]
    from server import create_app

    return create_app(settings)


@pytest.fixture()
def client(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture(autouse=True)
def clean_state(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test starts with empty non-catalogue tables and an empty Redis database."""
    yield
    if "database" not in request.fixturenames:
        return
    engine = init_engine()
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in CATALOG_TABLES]
    with engine.begin() as conn:
        for table in tables:
            conn.execute(table.delete())
    get_redis().flushdb()


@pytest.fixture()
def fresh_catalog(database: None) -> Iterator[None]:
    """For tests that change the catalogue: the demo catalogue is restored afterwards."""
    yield
    reset_schema()
    load_catalog()
    cache.forget()



@pytest.fixture()
def gdp_key(database: None) -> str:
    """An API key of the General Directorate of Passports (MOI-RP-RENEW's agency)."""
    from core.identity import create_api_key

    return create_api_key("MOI-GDP")


@pytest.fixture()
def other_agency_key(database: None) -> str:
    from core.identity import create_api_key

    return create_api_key("KAHRAMAA")
