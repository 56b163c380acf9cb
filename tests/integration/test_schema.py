"""The schema: migrations match the models, and tenant_id leads every key."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import ForeignKeyConstraint, Index, UniqueConstraint, event, select

from supportdesk.catalog.models import Status
from supportdesk.db.base import Base, TenantOwned
from supportdesk.db.registry import metadata
from supportdesk.db.session import Database
from supportdesk.search.models import is_search_table
from supportdesk.tickets.models import Ticket
from tests.factories import TenantFixture

# The one global lookup: a request on a bare host is resolved from its key.
GLOBAL_INDEXES = {"ix_api_keys_key_hash"}


def test_migrations_and_models_agree(database: Database) -> None:
    with database.engine.connect() as connection:
        # The search index is made by its migration alone (see search.models).
        context = MigrationContext.configure(connection, opts={
            "compare_type": True,
            "include_name": lambda name, kind, _parents: not (
                kind == "table" and is_search_table(name)),
        })
        differences = compare_metadata(context, metadata)
    assert differences == []


def _tenant_tables() -> list[str]:
    return sorted(
        str(mapper.local_table.name)  # type: ignore[attr-defined]
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, TenantOwned)
    )


def test_every_table_but_tenants_is_tenant_owned() -> None:
    assert _tenant_tables() == sorted(set(metadata.tables) - {"tenants"})


def test_tenant_id_leads_every_key_of_tenant_tables() -> None:
    tables = _tenant_tables()
    for name in tables:
        table = metadata.tables[name]
        assert next(c.name for c in table.primary_key.columns) == "tenant_id", name
        for constraint in table.constraints:
            if isinstance(constraint, UniqueConstraint | ForeignKeyConstraint) and \
                    not (isinstance(constraint, ForeignKeyConstraint)
                         and constraint.referred_table.name == "tenants"):
                assert next(c.name for c in constraint.columns) == "tenant_id", \
                    (name, constraint.name)
        for index in table.indexes:
            if isinstance(index, Index) and index.name not in GLOBAL_INDEXES:
                assert next(c.name for c in index.columns) == "tenant_id", (name, index.name)


def test_a_scoped_session_sees_only_its_tenant(
    tenant: TenantFixture, other_tenant: TenantFixture
) -> None:
    seen: list[str] = []

    def capture(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(tenant.database.engine, "before_cursor_execute", capture)
    try:
        with tenant.unit(write=False) as unit:
            unit.session.execute(select(Ticket.number))
    finally:
        event.remove(tenant.database.engine, "before_cursor_execute", capture)
    assert "tickets.tenant_id = " in seen[-1]
    with tenant.unit(write=False) as acme, other_tenant.unit(write=False) as globex:
        acme_statuses = [s.name for s in acme.catalog.statuses]
        globex_statuses = [s.name for s in globex.catalog.statuses]
        acme_ids = sorted(acme.session.scalars(select(Status.tenant_id)).all())
        globex_ids = sorted(globex.session.scalars(select(Status.tenant_id)).all())
    assert acme_statuses == globex_statuses == ["Open", "Pending", "Resolved", "Closed"]
    assert acme_ids == [tenant.tenant_id] * 4
    assert globex_ids == [other_tenant.tenant_id] * 4
