"""Shared fixtures: a migrated database per run, a clean one per test.

The suite runs against SQLite by default and against PostgreSQL when
``SUPPORTDESK_TEST_DATABASE_URL`` names one (CI runs both).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url

from supportdesk.app import bind_app, build_app
from supportdesk.catalog.snapshot import clear_cache
from supportdesk.clock import FixedClock
from supportdesk.config import Settings
from supportdesk.db.migrate import upgrade
from supportdesk.db.registry import metadata
from supportdesk.db.rls import MAKE_MATCH_LEAKPROOF
from supportdesk.db.session import Database
from tests.factories import TenantFixture, make_tenant

TEST_DATABASE_URL = os.environ.get("SUPPORTDESK_TEST_DATABASE_URL", "")
START = datetime(2026, 1, 5, 9, 0, 0)


# The role the PostgreSQL suite connects as: an ordinary role owning the test
# database, as docs/security.md tells operators to run. Superusers bypass
# row-level security, so a suite run as one would never notice a missing
# tenant binding; the forced policies apply to this owner.
OWNER_ROLE = "supportdesk_test"


def _ensure_owner_role(connection: Connection, password: str | None) -> None:
    """Create ``OWNER_ROLE`` if missing and pin its attributes; idempotent.

    CREATEDB because tests make scratch databases (a restore target); never
    SUPERUSER or BYPASSRLS, which would exempt it from the policies.
    """
    # Parallel runs may race to create it: the loser's error is harmless.
    connection.execute(text(
        f"DO $$ BEGIN CREATE ROLE {OWNER_ROLE}; "
        "EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
    ))
    secret = "NULL" if password is None else "'" + password.replace("'", "''") + "'"
    connection.execute(text(
        f"ALTER ROLE {OWNER_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS CREATEDB PASSWORD {secret}"
    ))


def _fresh_postgres(url: str) -> str:
    """Recreate the test database named in ``url`` so each run starts empty.

    Given a superuser (the usual ``postgres@...``), the database is created
    owned by ``OWNER_ROLE`` and the returned URL connects as that role;
    given an ordinary role, that role creates and uses it.
    """
    parsed = make_url(url)
    name = parsed.database
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        superuser = connection.execute(text(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar_one()
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if superuser:
            _ensure_owner_role(connection, parsed.password)
            connection.execute(text(f'CREATE DATABASE "{name}" OWNER {OWNER_ROLE}'))
        else:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    if superuser:
        # The operator's one-time step of docs/operations.md: the migrations run
        # as the ordinary owner below, which may not alter a catalog function.
        inside = create_engine(parsed, isolation_level="AUTOCOMMIT")
        with inside.connect() as connection:
            connection.execute(text(MAKE_MATCH_LEAKPROOF))
        inside.dispose()
        parsed = parsed.set(username=OWNER_ROLE)
    return parsed.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if TEST_DATABASE_URL.startswith("postgresql"):
        return _fresh_postgres(TEST_DATABASE_URL)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'supportdesk.db'}"


@pytest.fixture(scope="session")
def migrated_database(database_url: str) -> Iterator[Database]:
    database = Database.from_url(database_url, pool_size=5)
    upgrade(database.engine)
    yield database
    database.dispose()


def _wipe(database: Database) -> None:
    with database.engine.begin() as connection:
        if database.dialect == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            return
        for table in reversed(metadata.sorted_tables):
            connection.execute(table.delete())
        connection.execute(text("DELETE FROM ticket_search"))  # FTS5: no cascade from tickets
        # Restart tenant ids as PostgreSQL's RESTART IDENTITY does.
        has_sequence = connection.execute(
            text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'")
        ).first()
        if has_sequence:
            connection.execute(text("DELETE FROM sqlite_sequence WHERE name = 'tenants'"))


@pytest.fixture
def database(migrated_database: Database) -> Database:
    """The migrated database, emptied before each test."""
    _wipe(migrated_database)
    clear_cache()
    return migrated_database


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        base_domain="localhost",
        data_dir=tmp_path / "data",
        max_attachment_bytes=1024 * 1024,
    )


@pytest.fixture(scope="session")
def built_app() -> FastAPI:
    """The routes and middleware, built once: building is most of an app's cost.

    Its request limits are the defaults, as in ``settings``; a test that needs
    other limits builds its own app with ``create_app``.
    """
    return build_app(Settings(database_url="sqlite://", base_domain="localhost"))


@pytest.fixture
def app_client(built_app: FastAPI, database: Database, settings: Settings,
               clock: FixedClock) -> Iterator[TestClient]:
    app = built_app
    bind_app(app, settings, database=database, clock=clock)
    with TestClient(app, base_url="http://acme.localhost", raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def tenant(database: Database, settings: Settings, clock: FixedClock) -> TenantFixture:
    """Tenant ``acme`` with the demo configuration (no sample tickets)."""
    return make_tenant(database, settings, clock, subdomain="acme")


@pytest.fixture
def other_tenant(database: Database, settings: Settings, clock: FixedClock) -> TenantFixture:
    """A second tenant, ``globex``, to prove isolation."""
    return make_tenant(database, settings, clock, subdomain="globex")


@pytest.fixture
def client(app_client: TestClient, tenant: TenantFixture) -> TestClient:
    """A client on acme's host carrying acme's key."""
    app_client.headers["Authorization"] = tenant.key
    return app_client
