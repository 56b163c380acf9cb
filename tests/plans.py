"""Query plans for the plan tests (list and search): what the database would do."""
from __future__ import annotations

from typing import Any

from sqlalchemy import text

from tests.factories import TenantFixture


def plan(tenant: TenantFixture, statement: str, parameters: Any, *,
         may_scan: bool = False) -> list[str]:
    """The plan lines of ``statement``: SQLite's ``EXPLAIN QUERY PLAN`` details, or
    PostgreSQL's ``EXPLAIN`` lines with sequential scans switched off (the planner
    rightly scans the tests' tiny tables: this makes it show the paths it has).

    ``may_scan`` leaves PostgreSQL's sequential scans on: the plan it would
    really choose, for tests whose tables are large enough to tell.
    """
    with tenant.database.engine.connect() as connection:
        if tenant.database.dialect == "sqlite":
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            return [row[3] for row in rows]
        if not may_scan:
            connection.execute(text("SET LOCAL enable_seqscan = off"))
        rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
        return [row[0] for row in rows]
