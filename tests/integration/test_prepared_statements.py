"""PostgreSQL: the list and details reads keep their connection's prepared statements.

psycopg prepares a statement on its fifth run on a connection, and forgets
every prepared statement of the connection on each ``ROLLBACK``. A read unit
that ended its transaction with ``ROLLBACK`` (what closing a session does)
made the list and details statements be parsed and planned on every call;
``TenantUnit.end_reads`` ends it with ``COMMIT`` on PostgreSQL instead.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from supportdesk.db.session import Database
from supportdesk.seed.bulk import seed_tickets
from supportdesk.tickets.filters import parse_filters
from supportdesk.tickets.listing import TicketQuery, list_tickets
from supportdesk.tickets.service import ticket_details
from supportdesk.unit import open_unit
from tests.factories import TenantFixture

FILTERS = {"status": ["Open", "Pending", "Resolved", "Closed"], "priority": ["1", "5", "10", "20"]}


def _prepared(database: Database) -> list[tuple[str, int, int]]:
    """The first words of each statement prepared on the (only) connection, with the
    number of its runs on a generic plan and on a plan made for their values."""
    with database.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements "
            "ORDER BY statement")).all()
    return [(" ".join(statement.split()[:3]), generic, custom)
            for statement, generic, custom in rows]


def test_list_and_details_statements_stay_prepared_across_calls(
        tenant: TenantFixture, database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("prepared statements are psycopg's and PostgreSQL's")
    seed_tickets(tenant.database, subdomain=tenant.subdomain, tickets=40, contacts=10,
                 clock=tenant.clock)
    # One connection, so every call runs on the connection that is inspected.
    database = Database.from_url(database_url, pool_size=1)
    try:
        with open_unit(database, tenant.settings, subdomain=tenant.subdomain,
                       clock=tenant.clock) as unit:
            query = TicketQuery(page_size=100, filters=parse_filters(json.dumps(FILTERS)))
            for _ in range(7):
                page = list_tickets(unit, query)
                assert not unit.in_transaction
            for _ in range(7):
                view = ticket_details(unit, page.rows[0][0].number, with_survey=False)
                assert view.ticket.number == page.rows[0][0].number
                assert not unit.in_transaction
        prepared = _prepared(database)
    finally:
        database.dispose()
    # psycopg prepared each statement on its fifth run; the server counts the runs
    # after that: 7 list calls and 7 details calls (2 runs as prepared of each
    # statement) in 14 transactions, each binding the tenant first (9 runs).
    # The details read the ticket (its columns start as the list's do) and the
    # files attached to its description. Every run was planned for its values
    # (db.engine: plan_cache_mode), none on a generic plan.
    assert prepared == [
        ("SELECT attachments.tenant_id, attachments.id,", 0, 2),
        ("SELECT count(*) AS", 0, 2),
        ("SELECT set_config($1, $2,", 0, 9),
        ("SELECT tickets.number, tickets.subject,", 0, 2),
        ("SELECT tickets.number, tickets.subject,", 0, 2),
    ]
