"""Operator commands: `flask --app wsgi <group> <command>`."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask

from core import migrate
from core.catalog.loader import CatalogInvalid, load_catalog

db_cli = click.Group("db", help="Database schema (Alembic migrations).")
catalog_cli = click.Group("catalog", help="The service catalogue.")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Migrate the database to REVISION (default: the latest)."""
    migrate.upgrade(revision)
    click.echo(f"database at {revision}")


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
def db_downgrade(revision: str) -> None:
    """Step the schema back to REVISION (default: one step)."""
    migrate.downgrade(revision)
    click.echo(f"database at {revision}")


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Write a new migration from the difference between models and database."""
    migrate.revision(message)


@catalog_cli.command("load")
@click.argument("file", required=False, type=click.Path(path_type=Path))
def catalog_load(file: Path | None) -> None:
    """Validate FILE (default: the bundled Qatar demo catalogue) and upsert it by code."""
    def progress(kind: str, done: int, total: int) -> None:
        click.echo(f"\r{kind}: {done}/{total}", nl=done == total, err=True)

    try:
        report = load_catalog(file, progress)
    except CatalogInvalid as exc:
        click.echo(f"catalogue rejected, nothing loaded ({len(exc.problems)} problems):", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    for kind in ("agencies", "categories", "offices", "services"):
        click.echo(f"{kind}: {report.created.get(kind, 0)} created, "
                   f"{report.updated.get(kind, 0)} updated")
    click.echo(f"catalogue version {report.version}")




agency_cli = click.Group("agency", help="Agencies and their API keys.")
staff_cli = click.Group("staff", help="Agency staff accounts.")


@agency_cli.command("create-key")
@click.argument("agency")
def agency_create_key(agency: str) -> None:
    """Create an API key for AGENCY; it is shown once, as the last word printed."""
    from core.errors import DomainError
    from core.identity import create_api_key

    try:
        key = create_api_key(agency)
    except DomainError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"API key for {agency.upper()} (store it now; it cannot be shown again): {key}")


@staff_cli.command("create")
@click.argument("phone")
@click.argument("agency")
@click.argument("role")
def staff_create(phone: str, agency: str, role: str) -> None:
    """Create (or update) a staff account: PHONE AGENCY viewer|officer|manager."""
    from core.errors import DomainError
    from core.identity import create_staff

    try:
        staff = create_staff(phone, agency, role)
    except DomainError as exc:
        details = "; ".join(f"{k}: {v.text % v.params}" for k, v in exc.fields.items())
        click.echo(f"error: {exc} {details}".strip(), err=True)
        sys.exit(1)
    click.echo(f"staff {staff.id} ({staff.phone}) is {role} at {agency.upper()}")


def register(app: Flask) -> None:
    for group in (db_cli, catalog_cli, agency_cli, staff_cli):
        app.cli.add_command(group)
