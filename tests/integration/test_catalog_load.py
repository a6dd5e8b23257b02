"""`flask catalog load`: idempotent upsert, whole-file rejection, live refresh; migrations."""
from __future__ import annotations

import json
import time

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select

from core import migrate
from core.db import Base, get_session, init_engine
from core.models import Agency, Service


def run_cli(app, *args):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=list(args))


def write(tmp_path, doc) -> str:
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return str(path)


NEW_AGENCY = {"code": "TESTAG", "name": {"ar": "جهة تجريبية", "en": "Test Agency"}}


def count(model) -> int:  # type: ignore[no-untyped-def]
    session = get_session()
    try:
        return session.scalar(select(func.count()).select_from(model))
    finally:
        session.close()


def test_loading_the_demo_catalogue_twice_changes_nothing(app, database):
    before = count(Service)
    result = run_cli(app, "catalog", "load")
    assert result.exit_code == 0, result.output
    assert "services: 0 created" in result.output
    assert count(Service) == before


def test_a_bad_file_is_rejected_whole_with_the_path_of_every_problem(app, database, tmp_path):
    doc = {"agencies": [NEW_AGENCY],
           "services": [{"code": "T-1", "number": 9_999_001, "agency": "NOPE", "category": "x",
                         "level": 7, "name": {"ar": "خدمة"}}]}
    result = run_cli(app, "catalog", "load", write(tmp_path, doc))
    assert result.exit_code == 1
    assert "services[0].level" in result.output
    assert "services[0].name" in result.output  # the English name is missing
    assert "nothing loaded" in result.output
    session = get_session()
    assert session.scalar(select(Agency).where(Agency.code == "TESTAG")) is None
    session.close()


def test_reference_problems_are_all_listed(app, database, tmp_path):
    service = {"code": "T-1", "number": 9_999_001, "agency": "NOPE", "category": "nope",
               "level": 2, "name": {"ar": "خدمة", "en": "Service"}, "offices": ["NOPE-1"]}
    doc = {"services": [service, dict(service)]}
    result = run_cli(app, "catalog", "load", write(tmp_path, doc))
    assert result.exit_code == 1
    for expected in ("services[0].agency", "services[0].category", "services[0].offices[0]",
                     "services[1].code: duplicate", "services[1].number: duplicate"):
        assert expected in result.output


def test_a_number_already_used_by_another_service_is_rejected(app, database, tmp_path):
    session = get_session()
    taken = session.scalar(select(Service.number).limit(1))
    session.close()
    doc = {"agencies": [NEW_AGENCY], "categories": [{"code": "tc", "name": {"ar": "ف", "en": "c"}}],
           "services": [{"code": "T-1", "number": taken, "agency": "TESTAG", "category": "tc",
                         "level": 1, "name": {"ar": "خدمة", "en": "Service"}}]}
    result = run_cli(app, "catalog", "load", write(tmp_path, doc))
    assert result.exit_code == 1 and "services[0].number" in result.output


def test_a_json_syntax_error_gives_line_and_column(app, database, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"agencies": [\n  {"code": "X",}\n]}', encoding="utf-8")
    result = run_cli(app, "catalog", "load", str(path))
    assert result.exit_code == 1 and "line 2 column" in result.output


def test_changes_reach_a_running_web_process_within_ten_seconds(app, client, fresh_catalog,
                                                                 tmp_path):
    assert client.get("/api/v1/agencies/MOI?lang=en").get_json()["name"] == "Ministry of Interior"
    renamed = {"code": "MOI", "name": {"ar": "وزارة الداخلية", "en": "Interior Ministry"}}
    assert run_cli(app, "catalog", "load", write(tmp_path, {"agencies": [renamed]})).exit_code == 0
    deadline = time.monotonic() + 10
    name = None
    while time.monotonic() < deadline:
        name = client.get("/api/v1/agencies/MOI?lang=en").get_json()["name"]
        if name == "Interior Ministry":
            break
        time.sleep(0.1)
    assert name == "Interior Ministry"


def test_migrations_match_the_models(database):
    with init_engine().connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_migrations_go_down_to_empty_and_up_again(fresh_catalog):
    migrate.downgrade("base")
    assert set(inspect(init_engine()).get_table_names()) <= {"alembic_version"}
    migrate.upgrade("head")
    assert "services" in inspect(init_engine()).get_table_names()


@pytest.mark.parametrize("bad", ["[]", '"text"', "null"])
def test_a_file_that_is_not_an_object_is_rejected(app, database, tmp_path, bad):
    path = tmp_path / "bad.json"
    path.write_text(bad, encoding="utf-8")
    assert run_cli(app, "catalog", "load", str(path)).exit_code == 1
