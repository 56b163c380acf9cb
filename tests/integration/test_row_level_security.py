"""PostgreSQL row-level security: every tenant table is guarded by a forced policy.

The application's own scoping (``db.scoping``) is tested elsewhere; these
tests prove the database refuses cross-tenant reads and writes even for raw
SQL, when the connection's role is subject to row-level security (an
ordinary role, as docs/security.md tells operators to use).

The whole PostgreSQL suite connects as such a role, the owner of the test
database (tests/conftest.py), so every test there runs under the policies;
the first test below makes sure that stays true.
"""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ProgrammingError

from supportdesk.db.base import Base, TenantOwned
from supportdesk.db.migrate import alembic_config, upgrade
from supportdesk.db.rls import (
    MAKE_MATCH_LEAKPROOF,
    MATCH_FUNCTION,
    POLICY,
    bind_transaction,
    is_superuser,
    make_search_match_leakproof,
    search_match_is_leakproof,
    tenant_tables,
)
from supportdesk.db.session import Database
from supportdesk.tickets.service import NewTicket, create_ticket
from tests.conftest import TEST_DATABASE_URL
from tests.factories import TenantFixture


@pytest.fixture
def postgres(database: Database) -> Database:
    if database.dialect != "postgresql":
        pytest.skip("row-level security is a PostgreSQL feature; SQLite has one tenant "
                    "guard, the ORM scoping")
    return database


def _tenant_tables() -> set[str]:
    return {
        str(mapper.local_table.name)  # type: ignore[attr-defined]
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, TenantOwned)
    }


def test_every_tenant_table_has_a_forced_tenant_policy(postgres: Database) -> None:
    with postgres.engine.connect() as connection:
        guarded = {
            str(name) for (name,) in connection.execute(text(
                "SELECT c.relname FROM pg_class c JOIN pg_policy p ON p.polrelid = c.oid "
                "WHERE c.relrowsecurity AND c.relforcerowsecurity AND p.polname = :policy"
            ), {"policy": POLICY})
        }
    assert _tenant_tables() - guarded == set()


def test_the_suite_connects_as_a_role_the_policies_apply_to(postgres: Database) -> None:
    # Superusers and BYPASSRLS roles skip every policy: a suite run as one
    # would never catch a missing tenant binding.
    with postgres.engine.connect() as connection:
        role = connection.execute(text(
            "SELECT r.rolname, r.rolsuper, r.rolbypassrls, "
            "pg_get_userbyid(d.datdba) = r.rolname AS owns_database "
            "FROM pg_roles r, pg_database d "
            "WHERE r.rolname = current_user AND d.datname = current_database()"
        )).one()
        owner_of_tickets = connection.execute(text(
            "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'tickets'"
        )).scalar_one()
    assert (role.rolsuper, role.rolbypassrls, role.owns_database) == (False, False, True)
    # Owning the tables is why the policies must be FORCEd to apply.
    assert owner_of_tickets == role.rolname


@pytest.fixture
def probe_engine(postgres: Database) -> Engine:
    """An engine connected as an ordinary role, which policies apply to.

    The suite's own: an ordinary role that owns the schema (the test above).
    """
    return postgres.engine


def _add_ticket(tenant: TenantFixture, subject: str) -> int:
    with tenant.unit() as unit:
        view = create_ticket(unit, NewTicket(contact_email="pat@example.com", subject=subject,
                                             description_html="<p>hi</p>"))
        return view.ticket.number


def test_a_bound_transaction_sees_only_its_tenant_even_in_raw_sql(
    tenant: TenantFixture, other_tenant: TenantFixture, probe_engine: Engine,
) -> None:
    _add_ticket(tenant, "acme one")
    _add_ticket(tenant, "acme two")
    _add_ticket(other_tenant, "globex one")
    with probe_engine.begin() as connection:
        bind_transaction(connection, tenant.tenant_id)
        subjects = connection.execute(
            text("SELECT subject FROM tickets ORDER BY subject")).scalars().all()
    assert subjects == ["acme one", "acme two"]
    with probe_engine.begin() as connection:
        bind_transaction(connection, other_tenant.tenant_id)
        subjects = connection.execute(
            text("SELECT subject FROM tickets ORDER BY subject")).scalars().all()
    assert subjects == ["globex one"]
    # The binding ends with the transaction: an unbound (system) one sees all.
    with probe_engine.begin() as connection:
        count = connection.execute(text("SELECT count(*) FROM tickets")).scalar_one()
    assert count == 3


def test_the_policy_reads_the_bound_tenant_once_per_statement_not_per_row(
    tenant: TenantFixture, probe_engine: Engine,
) -> None:
    # Migration 0017: the setting is read in InitPlans, evaluated once before
    # the scan; each row the scan visits is then compared with their value.
    # Before it, the scan's filter called current_setting() twice per row: at
    # 1,000,000 tickets the page at offset 900,000 took 50 ms instead of 20.
    for subject in ("one", "two", "three"):
        _add_ticket(tenant, subject)
    with probe_engine.begin() as connection:
        bind_transaction(connection, tenant.tenant_id)
        plan = connection.execute(text(
            "EXPLAIN (COSTS OFF) SELECT number FROM tickets WHERE tenant_id = :tenant "
            "ORDER BY created_at DESC, number DESC OFFSET 1 LIMIT 1"),
            {"tenant": tenant.tenant_id}).scalars().all()
        numbers = connection.execute(text(
            "SELECT subject FROM tickets ORDER BY number")).scalars().all()
    filters = [line.strip() for line in plan if line.strip().startswith("Filter:")]
    assert len(filters) == 1, plan
    assert "current_setting" not in filters[0], plan
    assert sum("InitPlan" in line for line in plan) == 2, plan
    assert numbers == ["one", "two", "three"]


def test_migration_0017_rewrites_every_policy_and_its_downgrade_restores_them(
    postgres: Database,
) -> None:
    """On a scratch database: head, down to 0016 (the per-row form), head again."""
    source = postgres.engine.url
    name = f"{source.database}_policy"
    admin = create_engine(source.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    scratch = Database.from_url(source.set(database=name).render_as_string(
        hide_password=False), pool_size=1)

    def conditions() -> set[str]:
        with scratch.engine.connect() as connection:
            return set(connection.execute(text(
                "SELECT pg_get_expr(polqual, polrelid) = pg_get_expr(polwithcheck, polrelid) "
                "AND pg_get_expr(polqual, polrelid) LIKE '%( SELECT NULLIF(current_setting(%' "
                "FROM pg_policy WHERE polname = :policy"), {"policy": POLICY}).scalars())

    try:
        upgrade(scratch.engine)
        assert conditions() == {True}
        command.downgrade(alembic_config(scratch.engine), "0016")
        assert conditions() == {False}
        upgrade(scratch.engine)
        assert conditions() == {True}
        with scratch.engine.connect() as connection:
            guarded = connection.execute(text(
                "SELECT count(*) FROM pg_policy WHERE polname = :policy"),
                {"policy": POLICY}).scalar_one()
            with_tenant_column = len(tenant_tables(connection))
        # One policy per table with a tenant_id column (a few are Core tables).
        assert guarded == with_tenant_column >= len(_tenant_tables())
    finally:
        scratch.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_bound_transaction_cannot_write_into_another_tenant(
    tenant: TenantFixture, other_tenant: TenantFixture, probe_engine: Engine,
) -> None:
    number = _add_ticket(other_tenant, "globex one")
    with probe_engine.begin() as connection:
        bind_transaction(connection, tenant.tenant_id)
        changed = connection.execute(
            text("UPDATE tickets SET subject = 'stolen' WHERE number = :n"),
            {"n": number},
        ).rowcount
    assert changed == 0
    planting = text("INSERT INTO groups (tenant_id, id, name) VALUES (:t, 999, 'planted')")
    with probe_engine.connect() as connection, connection.begin():
        bind_transaction(connection, tenant.tenant_id)
        with pytest.raises(ProgrammingError, match="row-level security"):
            connection.execute(planting, {"t": other_tenant.tenant_id})
    with probe_engine.begin() as connection:
        assert connection.execute(text("SELECT subject FROM tickets")).scalars().all() \
            == ["globex one"]
        assert connection.execute(
            text("SELECT count(*) FROM groups WHERE name = 'planted'")).scalar_one() == 0


def test_the_units_of_a_tenant_bind_their_transactions(
    tenant: TenantFixture, postgres: Database,
) -> None:
    setting = text("SELECT current_setting('supportdesk.tenant_id', true)")
    for write in (False, True):
        with tenant.unit(write=write) as unit:
            assert unit.session.execute(setting).scalar_one() == str(tenant.tenant_id)
    with postgres.session() as session:
        assert session.execute(setting).scalar_one() in {None, ""}


def test_the_search_match_is_marked_leakproof_only_by_a_superuser(
    database: Database,
) -> None:
    """``db.rls``: the suite's database was set up as docs/operations.md says; the
    ordinary owner can see that but not change it, a superuser can."""
    if database.dialect != "postgresql":
        pytest.skip("LEAKPROOF and row-level security are PostgreSQL's")
    superuser_url = make_url(TEST_DATABASE_URL).set(database=database.engine.url.database)
    admin = create_engine(superuser_url, isolation_level="AUTOCOMMIT")
    try:
        with database.engine.connect() as owner, admin.connect() as root:
            assert (is_superuser(owner), is_superuser(root)) == (False, True)
            assert search_match_is_leakproof(owner) is True
            root.execute(text(f"ALTER FUNCTION {MATCH_FUNCTION} NOT LEAKPROOF"))
            assert search_match_is_leakproof(owner) is False
            assert make_search_match_leakproof(owner) is False
            assert search_match_is_leakproof(owner) is False
            assert make_search_match_leakproof(root) is True
            assert search_match_is_leakproof(owner) is True
    finally:
        with admin.connect() as root:
            root.execute(text(MAKE_MATCH_LEAKPROOF))
        admin.dispose()
