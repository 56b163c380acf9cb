"""Row-level security on PostgreSQL: the database's own guard on tenant scoping.

``db.scoping`` adds ``tenant_id = :tenant`` to every ORM statement; this is
the second line behind it. Every table with a ``tenant_id`` column carries a
forced policy that, inside a transaction bound to a tenant (the
``supportdesk.tenant_id`` setting, set transaction-locally when a tenant
session begins), lets rows of that tenant alone be read or written. A
statement that escaped the ORM scoping (raw SQL, a bug) still cannot see or
write another tenant's rows.

Sessions not bound to a tenant (authentication's key lookup, provisioning,
the CLI's system commands, migrations) leave the setting empty and are not
restricted: they are the system acting, not a tenant.

PostgreSQL exempts superusers and roles with BYPASSRLS from every policy, so
production should connect as an ordinary role that owns the schema (the
policy is FORCEd, so it applies to the owner too); docs/security.md says how.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

SETTING = "supportdesk.tenant_id"
POLICY = "tenant_isolation"

# current_setting(..., true) is NULL before the setting was ever used in this
# session and '' after a transaction that set it locally has ended.
_SETTING_VALUE = f"NULLIF(current_setting('{SETTING}', true), '')"
# Read once per statement: as a scalar subquery the setting is an InitPlan,
# evaluated before the scan, and each row costs a comparison with its value.
# Written inline (migration 0010's form) the two function calls ran on every
# row a scan visited: at 1,000,000 tickets the page at offset 900,000 walks
# 100,000 index entries, 50 ms with them against 20 ms with this (migration 0017).
_BOUND_TENANT = f"(SELECT {_SETTING_VALUE})"
_CONDITION = f"({_BOUND_TENANT} IS NULL OR tenant_id = {_BOUND_TENANT}::bigint)"
# Migration 0010's condition, for 0017's downgrade.
PER_ROW_CONDITION = f"({_SETTING_VALUE} IS NULL OR tenant_id = {_SETTING_VALUE}::bigint)"


def tenant_tables(connection: Connection) -> list[str]:
    """Tables of the current schema that have a ``tenant_id`` column."""
    rows = connection.execute(text(
        "SELECT table_name FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND column_name = 'tenant_id' "
        "ORDER BY table_name"
    ))
    return [str(name) for (name,) in rows]


def enable_tenant_policy(connection: Connection, table: str, *,
                         condition: str = _CONDITION) -> None:
    """Turn on (and force) the tenant policy for ``table``; idempotent."""
    connection.execute(text(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY'))
    connection.execute(text(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY'))
    connection.execute(text(f'DROP POLICY IF EXISTS {POLICY} ON "{table}"'))
    connection.execute(text(
        f'CREATE POLICY {POLICY} ON "{table}" USING {condition} WITH CHECK {condition}'
    ))


def enable_tenant_policies(connection: Connection, *, condition: str = _CONDITION) -> None:
    """``enable_tenant_policy`` on every tenant table (PostgreSQL; nothing on SQLite)."""
    if connection.dialect.name != "postgresql":
        return
    for table in tenant_tables(connection):
        enable_tenant_policy(connection, table, condition=condition)


def disable_tenant_policy(connection: Connection, table: str) -> None:
    connection.execute(text(f'DROP POLICY IF EXISTS {POLICY} ON "{table}"'))
    connection.execute(text(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY'))
    connection.execute(text(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY'))


def bind_transaction(connection: Connection, tenant_id: int) -> None:
    """Bind the current transaction (only) to ``tenant_id``."""
    connection.execute(text("SELECT set_config(:name, :value, true)"),
                       {"name": SETTING, "value": str(tenant_id)})


# -- Full-text matches under the policy ---------------------------------------------------
#
# Under a forced policy PostgreSQL applies the policy's condition before any
# condition whose functions are not LEAKPROOF (they could reveal rows the
# policy hides, through an error or a side effect). ``@@`` is
# ``ts_match_vq``, which PostgreSQL does not mark LEAKPROOF, so under the
# policy a search's match cannot be a condition of the GIN index: every
# search reads all of the tenant's documents and tests each one. Matching a
# document against a query has no side effects and raises no error that
# depends on the document, so marking it LEAKPROOF lets the index find the
# matches while the policy still hides other tenants' rows. Only a superuser
# may mark it: migration 0016 does when it runs as one, and ``supportdesk
# migrate`` otherwise prints the statement for a superuser to run once
# (docs/operations.md, PostgreSQL).

MATCH_FUNCTION = "pg_catalog.ts_match_vq(tsvector, tsquery)"
MAKE_MATCH_LEAKPROOF = f"ALTER FUNCTION {MATCH_FUNCTION} LEAKPROOF"


def is_superuser(connection: Connection) -> bool:
    """Whether the connection's role is a superuser (so may alter catalog functions)."""
    return bool(connection.execute(text(
        "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar_one())


def search_match_is_leakproof(connection: Connection) -> bool:
    """Whether ``@@`` may be an index condition under the tenant policy (see above)."""
    return bool(connection.execute(
        text("SELECT proleakproof FROM pg_proc WHERE oid = CAST(:name AS regprocedure)"),
        {"name": MATCH_FUNCTION}).scalar_one())


def make_search_match_leakproof(connection: Connection) -> bool:
    """Mark ``@@`` LEAKPROOF if it is not yet and the role may; whether it is now."""
    if search_match_is_leakproof(connection):
        return True
    if not is_superuser(connection):
        return False
    connection.execute(text(MAKE_MATCH_LEAKPROOF))
    return True
