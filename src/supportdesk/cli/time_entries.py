"""CLI commands for time entries."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError

from supportdesk.cli.common import TenantOption, app, deployment, when
from supportdesk.errors import BadRequest
from supportdesk.timetracking.schemas import TimeEntryCreate, TimeEntryQuery
from supportdesk.timetracking.service import (
    create_time_entry,
    delete_time_entry,
    list_time_entries,
)
from supportdesk.unit import open_unit

time_entry_app = typer.Typer(help="Record the time agents spend on tickets.",
                             no_args_is_help=True)
app.add_typer(time_entry_app, name="time-entry")


@time_entry_app.command("create")
def time_entry_create(  # noqa: PLR0917  (Typer passes options by name)
    tenant: TenantOption,
    ticket: Annotated[int, typer.Option(help="The ticket number.")],
    agent: Annotated[str, typer.Option(help="The agent's email.")],
    minutes: Annotated[int, typer.Option(help="Time spent, in whole minutes.")],
    billable: Annotated[bool, typer.Option("--billable", help="Charge the customer.")]
    = False,
    note: Annotated[str | None, typer.Option(help="What was done.")] = None,
    start: Annotated[str | None, typer.Option(
        help="When the work started, UTC YYYY-MM-DD HH:MM:SS (default: now).")] = None,
) -> None:
    """Record time an agent spent on a ticket."""
    with deployment() as (settings, database), \
            open_unit(database, settings, subdomain=tenant, write=True) as unit:
        data = _validated(ticket_number=ticket, agent_email=agent, minutes=minutes,
                          billable=billable, note=note, start_time=start)
        entry = create_time_entry(unit, data=data)
    typer.echo(f"time entry {entry.id} created: {entry.minutes} min on ticket "
               f"{entry.ticket_number} by {entry.agent_email}")


@time_entry_app.command("list")
def time_entry_list(
    tenant: TenantOption,
    ticket: Annotated[int | None, typer.Option(help="Only this ticket's entries.")] = None,
) -> None:
    """List time entries: id, ticket, agent, start, minutes, billable."""
    with deployment() as (settings, database), \
            open_unit(database, settings, subdomain=tenant) as unit:
        entries = []
        offset = 0
        while True:
            page = list_time_entries(unit, query=TimeEntryQuery(
                ticket_number=ticket, offset=offset, limit=100))
            entries.extend(page.items)
            offset += 100
            if offset >= page.total:
                break
    typer.echo(f"{'ID':>6} {'TICKET':>7} {'AGENT':<32} {'START':<19} {'MIN':>6} BILLABLE")
    for e in entries:
        typer.echo(f"{e.id:>6} {e.ticket_number:>7} {e.agent_email or '-':<32} "
                   f"{when(e.started_at):<19} {e.minutes:>6} {'yes' if e.is_billable else 'no'}")


@time_entry_app.command("delete")
def time_entry_delete(
    tenant: TenantOption,
    entry_id: Annotated[int, typer.Argument(help="The time entry's id.")],
) -> None:
    """Delete a time entry."""
    with deployment() as (settings, database), \
            open_unit(database, settings, subdomain=tenant, write=True) as unit:
        delete_time_entry(unit, entry_id=entry_id)
    typer.echo(f"time entry {entry_id} deleted")


def _validated(**fields: object) -> TimeEntryCreate:
    try:
        return TimeEntryCreate.model_validate(fields)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise BadRequest(f"{where}: {first['msg']}") from None
