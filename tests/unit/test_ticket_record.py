"""The record a ticket create answers from holds every column of the table."""

from __future__ import annotations

from supportdesk.db.base import table_of
from supportdesk.tickets.models import Ticket, TicketRecord


def test_a_ticket_record_has_the_tables_columns_in_order_but_the_tenant() -> None:
    columns = [column.key for column in table_of(Ticket).c]
    assert columns[0] == "tenant_id"
    assert list(TicketRecord._fields) == columns[1:]
