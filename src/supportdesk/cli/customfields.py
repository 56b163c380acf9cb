"""``supportdesk custom-field``: a tenant's custom ticket fields (``cf_<label>`` on the wire)."""

from __future__ import annotations

from typing import Annotated

import typer

from supportdesk.cli.catalog import IdOption, PositionOption, build, table, tenant_unit
from supportdesk.cli.common import TenantOption, app
from supportdesk.customfields.definitions import (
    add_field,
    delete_field,
    list_fields,
    update_field,
)
from supportdesk.customfields.models import FIELD_TYPES
from supportdesk.customfields.schemas import FieldCreate, FieldUpdate

field_app = typer.Typer(help="Manage a tenant's custom ticket fields.", no_args_is_help=True)
app.add_typer(field_app, name="custom-field")

ChoiceOption = Annotated[list[str] | None, typer.Option(
    "--choice", help="A dropdown or multi-select choice (repeat for several).")]
TypeHelp = f"One of {', '.join(FIELD_TYPES)}."


@field_app.command("list")
def field_list(tenant: TenantOption) -> None:
    """List custom fields: id, type, wire key, choices."""
    with tenant_unit(tenant, write=False) as unit:
        rows = [(f.id, f.field_type, "cf_" + f.label,
                 ", ".join(str(c) for c in f.choices) or "-") for f in list_fields(unit)]
    table(("ID", "TYPE", "KEY", "CHOICES"), (5, 12, 28), rows)


@field_app.command("create")
def field_create(
    tenant: TenantOption,
    label: Annotated[str, typer.Option(help="The label; the wire key is cf_<label>.")],
    field_type: Annotated[str, typer.Option("--type", help=TypeHelp)],
    choice: ChoiceOption = None,
) -> None:
    """Add a custom field; dropdown and multi-select fields need --choice."""
    with tenant_unit(tenant) as unit:
        field = add_field(unit, build(FieldCreate, label=label, field_type=field_type,
                                      choices=choice))
        typer.echo(f"custom field cf_{field.label} created (id {field.id})")


@field_app.command("update")
def field_update(
    *,
    tenant: TenantOption,
    field_id: IdOption,
    label: Annotated[str | None, typer.Option(help="A new label (renames the cf_ key).")]
    = None,
    field_type: Annotated[str | None, typer.Option("--type", help=TypeHelp)] = None,
    choice: ChoiceOption = None,
    position: PositionOption = None,
) -> None:
    """Relabel, retype (only without values), replace the choices, or reorder a field."""
    with tenant_unit(tenant) as unit:
        update_field(unit, field_id, build(FieldUpdate, label=label, field_type=field_type,
                                           choices=choice, position=position))
    typer.echo(f"custom field {field_id} updated")


@field_app.command("delete")
def field_delete(tenant: TenantOption, field_id: IdOption) -> None:
    """Delete a custom field no ticket has a value in."""
    with tenant_unit(tenant) as unit:
        delete_field(unit, field_id)
    typer.echo(f"custom field {field_id} deleted")
