"""CLI commands for time entries."""

from __future__ import annotations

from typing import Annotated, TypeVar

import typer
from pydantic import BaseModel, ValidationError

from supportdesk.cli.common import TenantOption, app, deployment, when
from supportdesk.errors import BadRequest
from supportdesk.timetracking.schemas import TimeEntryCreate, TimeEntryQuery, TimeEntryUpdate
from supportdesk.timetracking.service import (
    create_time_entry,
    delete_time_entry,
    list_time_entries,
    update_time_entry,
)
from supportdesk.unit import open_unit

Body = TypeVar("Body", bound=BaseModel)

EntryArgument = Annotated[int, typer.Argument(help="The time entry's id.")]

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
        data = _validated(TimeEntryCreate, ticket_number=ticket, agent_email=agent, minutes=minutes,
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


@time_entry_app.command("update")
def time_entry_update(  # Typer passes every option by name.
    *,
    tenant: TenantOption,
    entry_id: EntryArgument,
    ticket: Annotated[int | None, typer.Option(help="Move it to this ticket number.")]
    = None,
    agent: Annotated[str | None, typer.Option(help="The agent's email.")] = None,
    minutes: Annotated[int | None, typer.Option(help="Time spent, in whole minutes.")]
    = None,
    start: Annotated[str | None, typer.Option(
        help="When the work started, UTC YYYY-MM-DD HH:MM:SS.")] = None,
    billable: Annotated[bool | None, typer.Option(
        "--billable/--not-billable", help="Whether the customer is charged.")] = None,
    timer_running: Annotated[bool | None, typer.Option(
        "--timer-running/--timer-stopped", help="Whether the timer still runs.")] = None,
    note: Annotated[str | None, typer.Option(help="What was done ('' clears it).")] = None,
    additional_info: Annotated[str | None, typer.Option(
        help="Anything else worth keeping ('' clears it).")] = None,
) -> None:
    """Change a time entry: only what is given changes."""
    given = {"ticket_number": ticket, "agent_email": agent, "minutes": minutes,
             "start_time": start, "billable": billable, "timer_running": timer_running,
             "note": note, "additional_info": additional_info}
    with deployment() as (settings, database), \
            open_unit(database, settings, subdomain=tenant, write=True) as unit:
        changes = _validated(TimeEntryUpdate,
                             **{k: v for k, v in given.items() if v is not None})
        entry = update_time_entry(unit, entry_id=entry_id, changes=changes)
    typer.echo(f"time entry {entry.id} updated: {entry.minutes} min on ticket "
               f"{entry.ticket_number} by {entry.agent_email}")


@time_entry_app.command("delete")
def time_entry_delete(
    tenant: TenantOption,
    entry_id: EntryArgument,
) -> None:
    """Delete a time entry."""
    with deployment() as (settings, database), \
            open_unit(database, settings, subdomain=tenant, write=True) as unit:
        delete_time_entry(unit, entry_id=entry_id)
    typer.echo(f"time entry {entry_id} deleted")


def _validated(model: type[Body], /, **fields: object) -> Body:
    """``fields`` as the admin API's body ``model``; the first problem is a 400."""
    try:
        return model.model_validate(fields)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise BadRequest(f"{where}: {first['msg']}") from None
