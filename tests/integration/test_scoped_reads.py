"""Core reads on hot paths are scoped in one place too: ``db.scoping.run_scoped``.

A prebuilt Core statement names the tenant as ``tenant_criterion(table)``
(a bound parameter only ``run_scoped`` fills, from the session's binding);
``run_scoped`` refuses any statement that reads a tenant table without it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from supportdesk.companies.models import Company
from supportdesk.contacts.models import Contact
from supportdesk.db.base import table_of
from supportdesk.db.scoping import run_scoped, tenant_criterion, unscoped_tables
from supportdesk.db.session import Database
from supportdesk.seed.bulk import seed_tickets
from supportdesk.tickets.filters import filter_clauses, parse_filters
from supportdesk.tickets.listing import TicketQuery, list_tickets
from supportdesk.tickets.models import Ticket
from supportdesk.tickets.reads import one_ticket
from supportdesk.tickets.service import ticket_details
from tests.factories import TenantFixture

TICKETS = table_of(Ticket)
CONTACTS = table_of(Contact)
COMPANIES = table_of(Company)


def test_a_read_missing_the_criterion_on_any_tenant_table_is_named() -> None:
    joined = TICKETS.join(CONTACTS, CONTACTS.c.id == TICKETS.c.contact_id)
    assert unscoped_tables(select(TICKETS.c.number).select_from(joined)) \
        == {"tickets", "contacts"}
    assert unscoped_tables(select(TICKETS.c.number).select_from(joined)
                           .where(tenant_criterion(TICKETS))) == {"contacts"}
    scoped_join = TICKETS.join(
        CONTACTS, (CONTACTS.c.id == TICKETS.c.contact_id) & tenant_criterion(CONTACTS))
    assert unscoped_tables(select(TICKETS.c.number).select_from(scoped_join)
                           .where(tenant_criterion(TICKETS))) == set()


def test_a_subquery_on_another_tenant_table_needs_its_own_criterion() -> None:
    companies = select(COMPANIES.c.id).where(COMPANIES.c.name_folded == "acme")
    statement = select(TICKETS.c.number).where(tenant_criterion(TICKETS),
                                               TICKETS.c.company_id.in_(companies))
    assert unscoped_tables(statement) == {"companies"}


def test_tenant_criterion_on_another_parameter_does_not_count() -> None:
    statement = select(TICKETS.c.number).where(TICKETS.c.tenant_id == 1)
    assert unscoped_tables(statement) == {"tickets"}


def test_run_scoped_refuses_an_unscoped_read(tenant: TenantFixture) -> None:
    with tenant.unit(write=False) as unit, \
            pytest.raises(RuntimeError, match="Core read of tickets is not scoped"):
        run_scoped(unit.session, select(func.count()).select_from(TICKETS))


def test_run_scoped_needs_a_session_bound_to_a_tenant(database: Database,
                                                      tenant: TenantFixture) -> None:
    statement = select(func.count()).select_from(TICKETS).where(tenant_criterion(TICKETS))
    with database.session() as session, \
            pytest.raises(RuntimeError, match="not bound to a tenant"):
        run_scoped(session, statement)


def test_run_scoped_reads_the_sessions_tenant_only(tenant: TenantFixture,
                                                  other_tenant: TenantFixture) -> None:
    seed_tickets(tenant.database, subdomain=tenant.subdomain, tickets=7, contacts=3,
                 clock=tenant.clock)
    seed_tickets(other_tenant.database, subdomain=other_tenant.subdomain, tickets=4,
                 contacts=2, clock=other_tenant.clock)
    statement = select(func.count()).select_from(TICKETS).where(tenant_criterion(TICKETS))
    with tenant.unit(write=False) as unit:
        assert run_scoped(unit.session, statement).scalar_one() == 7
    with other_tenant.unit(write=False) as unit:
        assert run_scoped(unit.session, statement).scalar_one() == 4


def test_orm_reads_bind_the_criterion_of_shared_conditions(tenant: TenantFixture,
                                                           other_tenant: TenantFixture) -> None:
    """``filter_clauses`` scopes its contact subquery for Core; the ORM path binds it too."""
    seed_tickets(tenant.database, subdomain=tenant.subdomain, tickets=5, contacts=1,
                 clock=tenant.clock)
    seed_tickets(other_tenant.database, subdomain=other_tenant.subdomain, tickets=3,
                 contacts=1, clock=other_tenant.clock)
    with tenant.unit(write=False) as unit:
        email = unit.session.scalar(select(Contact.primary_email))
    flt = parse_filters(f'{{"contact": ["{email}"]}}')
    with tenant.unit(write=False) as unit:
        conditions = filter_clauses(flt, unit.catalog)
        assert unit.session.scalar(select(func.count()).select_from(Ticket)
                                   .where(*conditions)) == 5


def test_the_list_and_details_end_their_read_transaction(tenant: TenantFixture) -> None:
    """So the request's unit closes with no I/O on the event loop (api.deps._served)."""
    seed_tickets(tenant.database, subdomain="acme", tickets=3, conversation_share=0.0,
                 clock=tenant.clock)
    with tenant.unit(write=False) as unit:
        page = list_tickets(unit, TicketQuery())
        assert (page.total, unit.in_transaction) == (3, False)
        view = ticket_details(unit, 2)
        assert (view.ticket.number, unit.in_transaction) == (2, False)
        # A read after that begins anew.
        assert one_ticket(unit, 1) is not None
        assert unit.in_transaction is True
