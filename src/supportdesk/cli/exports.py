"""CLI commands for CSV exports: ``supportdesk export tickets|contacts|companies``.

The same service as ``GET /apis/admin/exports/*.csv``, so the bytes are the
same. ``--out FILE`` writes ``FILE.partial`` and renames it when the export is
complete: a file named FILE is never a truncated export.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from supportdesk.cli.common import TenantOption, app, deployment
from supportdesk.exports.service import (
    Export,
    export_companies,
    export_contacts,
    export_tickets,
    ticket_export_query,
)
from supportdesk.unit import TenantUnit, open_unit

export_app = typer.Typer(help="Export a tenant's tickets, contacts or companies as CSV.",
                         no_args_is_help=True)
app.add_typer(export_app, name="export")

OutOption = Annotated[str, typer.Option(
    "--out", help="The file to write, or - for standard output.")]
BomOption = Annotated[bool, typer.Option(
    "--bom", help="Start with a UTF-8 byte-order mark (for Excel).")]


def _run(tenant: str, out: str, bom: bool, prepare: Callable[[TenantUnit], Export]) -> None:
    with deployment() as (settings, database), \
            open_unit(database, settings, subdomain=tenant) as unit:
        export = prepare(unit)
        if out == "-":
            for chunk in export.chunks(bom=bom):
                typer.echo(chunk, nl=False)  # bytes go to stdout's binary stream as they are
            return
        target = Path(out)
        partial = target.with_name(target.name + ".partial")
        try:
            with partial.open("wb") as file:
                for chunk in export.chunks(bom=bom):
                    file.write(chunk)
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
    typer.echo(f"wrote {target}", err=True)


@export_app.command("tickets")
def export_tickets_command(
    tenant: TenantOption,
    filters: Annotated[str | None, typer.Option(
        help='As the ticket list\'s filters, e.g. \'{"status": ["Open"]}\'.')] = None,
    updated_since: Annotated[str | None, typer.Option(
        help="Only tickets updated at or after this time, UTC YYYY-MM-DD HH:MM:SS.")]
    = None,
    out: OutOption = "-",
    bom: BomOption = False,
) -> None:
    """Export the tenant's tickets (all, or those matching --filters), by number."""
    _run(tenant, out, bom,
         lambda unit: export_tickets(unit, ticket_export_query(filters, updated_since)))


@export_app.command("contacts")
def export_contacts_command(tenant: TenantOption, out: OutOption = "-",
                            bom: BomOption = False) -> None:
    """Export every contact of the tenant, by id."""
    _run(tenant, out, bom, export_contacts)


@export_app.command("companies")
def export_companies_command(tenant: TenantOption, out: OutOption = "-",
                             bom: BomOption = False) -> None:
    """Export every company of the tenant, by id."""
    _run(tenant, out, bom, export_companies)
