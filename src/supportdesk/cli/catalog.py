"""``supportdesk status|type|category|subcategory``: the ticket fields a tenant defines.

Every command takes ``--tenant SUB``; records are addressed by ``--id`` (see
``list``). The rules are the admin API's: a rename shows on every ticket,
and deleting something tickets use is refused, saying how many use it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError

from supportdesk.api.errors import describe_errors
from supportdesk.catalog.models import STATUS_CATEGORIES
from supportdesk.catalog.schemas import (
    CategoryCreate,
    NamedCreate,
    NamedUpdate,
    StatusCreate,
    StatusUpdate,
)
from supportdesk.catalog.service import (
    add_category,
    add_subcategory,
    add_type,
    delete_category,
    delete_subcategory,
    delete_type,
    list_categories,
    list_subcategories,
    list_types,
    subcategories_by_category,
    update_category,
    update_subcategory,
    update_type,
)
from supportdesk.catalog.statuses import add_status, delete_status, list_statuses, update_status
from supportdesk.cli.common import TenantOption, app, deployment
from supportdesk.errors import BadRequest
from supportdesk.unit import TenantUnit, open_unit

Body = TypeVar("Body", bound=BaseModel)

IdOption = Annotated[int, typer.Option("--id", help="The record's id (see list).")]
NameOption = Annotated[str, typer.Option(help="The name.")]
NewName = Annotated[str | None, typer.Option("--name", help="A new name.")]
PositionOption = Annotated[int | None, typer.Option(help="Sort order (0 first).")]
CategoryIdOption = Annotated[int, typer.Option("--category", help="The category's id.")]


def build(model: type[Body], exact: dict[str, Any] | None = None, /, **options: Any) -> Body:
    """A request body from options, leaving out the ones not given (None).

    ``exact`` values are sent as they are, None included (None clears).
    """
    try:
        return model.model_validate({**{k: v for k, v in options.items() if v is not None},
                                     **(exact or {})})
    except ValidationError as error:
        raise BadRequest(describe_errors(error.errors())) from None


def table(header: tuple[str, ...], widths: tuple[int, ...], rows: list[tuple[Any, ...]]) -> None:
    """Print a plain table; the last column takes what is left."""
    for row in [header, *rows]:
        cells = ["-" if v is None else str(v) for v in row]
        typer.echo(" ".join(f"{c:<{w}}" for c, w in zip(cells[:-1], widths, strict=False))
                   + " " + cells[-1])


@contextmanager
def tenant_unit(tenant: str, *, write: bool = True) -> Iterator[TenantUnit]:
    """The tenant's unit of work; a refused change prints ``error: ...`` and exits 1."""
    with deployment() as (settings, database), \
            open_unit(database, settings, subdomain=tenant, write=write) as unit:
        yield unit


# --- statuses -----------------------------------------------------------------------

status_app = typer.Typer(help="Manage a tenant's ticket statuses.", no_args_is_help=True)
app.add_typer(status_app, name="status")


@status_app.command("list")
def status_list(tenant: TenantOption) -> None:
    """List statuses: id, category, default, name."""
    with tenant_unit(tenant, write=False) as unit:
        rows = [(s.id, s.category, "yes" if s.is_default else "", s.name)
                for s in list_statuses(unit)]
    table(("ID", "CATEGORY", "DEFAULT", "NAME"), (5, 9, 7), rows)


@status_app.command("create")
def status_create(
    tenant: TenantOption,
    name: NameOption,
    category: Annotated[str, typer.Option(help=f"One of {', '.join(STATUS_CATEGORIES)}.")],
    default: Annotated[bool, typer.Option("--default", help="New tickets start in it.")]
    = False,
) -> None:
    """Add a status in a category."""
    with tenant_unit(tenant) as unit:
        status = add_status(unit, build(StatusCreate, name=name, category=category,
                                         is_default=default))
        typer.echo(f"status {status.name!r} created (id {status.id})")


@status_app.command("update")
def status_update(
    *,
    tenant: TenantOption,
    status_id: IdOption,
    name: NewName = None,
    category: Annotated[str | None, typer.Option(help="A new category.")] = None,
    default: Annotated[bool, typer.Option("--default", help="Make it the default.")] = False,
    position: PositionOption = None,
) -> None:
    """Rename (shows on every ticket), recategorise, reorder or make default."""
    with tenant_unit(tenant) as unit:
        update_status(unit, status_id, build(StatusUpdate, name=name, category=category,
                                             is_default=default or None, position=position))
    typer.echo(f"status {status_id} updated")


@status_app.command("delete")
def status_delete(tenant: TenantOption, status_id: IdOption) -> None:
    """Delete a status no ticket uses (never the default or the last of a category)."""
    with tenant_unit(tenant) as unit:
        delete_status(unit, status_id)
    typer.echo(f"status {status_id} deleted")


# --- ticket types -------------------------------------------------------------------

type_app = typer.Typer(help="Manage a tenant's ticket types.", no_args_is_help=True)
app.add_typer(type_app, name="type")


@type_app.command("list")
def type_list(tenant: TenantOption) -> None:
    """List ticket types: id, name."""
    with tenant_unit(tenant, write=False) as unit:
        rows = [(t.id, t.name) for t in list_types(unit)]
    table(("ID", "NAME"), (5,), rows)


@type_app.command("create")
def type_create(tenant: TenantOption, name: NameOption) -> None:
    """Add a ticket type."""
    with tenant_unit(tenant) as unit:
        ticket_type = add_type(unit, build(NamedCreate, name=name))
        typer.echo(f"type {ticket_type.name!r} created (id {ticket_type.id})")


@type_app.command("update")
def type_update(tenant: TenantOption, type_id: IdOption, name: NewName = None,
                position: PositionOption = None) -> None:
    """Rename or reorder a ticket type."""
    with tenant_unit(tenant) as unit:
        update_type(unit, type_id, build(NamedUpdate, name=name, position=position))
    typer.echo(f"type {type_id} updated")


@type_app.command("delete")
def type_delete(tenant: TenantOption, type_id: IdOption) -> None:
    """Delete a ticket type no ticket has."""
    with tenant_unit(tenant) as unit:
        delete_type(unit, type_id)
    typer.echo(f"type {type_id} deleted")


# --- categories ---------------------------------------------------------------------

category_app = typer.Typer(help="Manage a tenant's ticket categories.", no_args_is_help=True)
app.add_typer(category_app, name="category")


@category_app.command("list")
def category_list(tenant: TenantOption) -> None:
    """List categories: id, name, subcategories."""
    with tenant_unit(tenant, write=False) as unit:
        subs = subcategories_by_category(unit)
        rows = [(c.id, c.name, ", ".join(s.name for s in subs.get(c.id, [])) or "-")
                for c in list_categories(unit)]
    table(("ID", "NAME", "SUBCATEGORIES"), (5, 24), rows)


@category_app.command("create")
def category_create(
    tenant: TenantOption,
    name: NameOption,
    subcategory: Annotated[list[str] | None, typer.Option(
        help="A subcategory (repeat for several).")] = None,
) -> None:
    """Add a category, optionally with subcategories."""
    with tenant_unit(tenant) as unit:
        category = add_category(unit, build(CategoryCreate, name=name,
                                            subcategories=subcategory))
        typer.echo(f"category {category.name!r} created (id {category.id})")


@category_app.command("update")
def category_update(tenant: TenantOption, category_id: IdOption, name: NewName = None,
                    position: PositionOption = None) -> None:
    """Rename or reorder a category."""
    with tenant_unit(tenant) as unit:
        update_category(unit, category_id, build(NamedUpdate, name=name, position=position))
    typer.echo(f"category {category_id} updated")


@category_app.command("delete")
def category_delete(tenant: TenantOption, category_id: IdOption) -> None:
    """Delete a category no ticket has, with its subcategories."""
    with tenant_unit(tenant) as unit:
        delete_category(unit, category_id)
    typer.echo(f"category {category_id} deleted")


# --- subcategories ------------------------------------------------------------------

subcategory_app = typer.Typer(help="Manage the subcategories of a category.",
                              no_args_is_help=True)
app.add_typer(subcategory_app, name="subcategory")


@subcategory_app.command("list")
def subcategory_list(tenant: TenantOption, category_id: CategoryIdOption) -> None:
    """List a category's subcategories: id, name."""
    with tenant_unit(tenant, write=False) as unit:
        rows = [(s.id, s.name) for s in list_subcategories(unit, category_id)]
    table(("ID", "NAME"), (5,), rows)


@subcategory_app.command("create")
def subcategory_create(tenant: TenantOption, category_id: CategoryIdOption,
                       name: NameOption) -> None:
    """Add a subcategory to a category."""
    with tenant_unit(tenant) as unit:
        sub = add_subcategory(unit, category_id, build(NamedCreate, name=name))
        typer.echo(f"subcategory {sub.name!r} created (id {sub.id})")


@subcategory_app.command("update")
def subcategory_update(tenant: TenantOption, category_id: CategoryIdOption,
                       subcategory_id: IdOption, name: NewName = None,
                       position: PositionOption = None) -> None:
    """Rename or reorder a subcategory."""
    with tenant_unit(tenant) as unit:
        update_subcategory(unit, category_id, subcategory_id,
                           build(NamedUpdate, name=name, position=position))
    typer.echo(f"subcategory {subcategory_id} updated")


@subcategory_app.command("delete")
def subcategory_delete(tenant: TenantOption, category_id: CategoryIdOption,
                       subcategory_id: IdOption) -> None:
    """Delete a subcategory no ticket has."""
    with tenant_unit(tenant) as unit:
        delete_subcategory(unit, category_id, subcategory_id)
    typer.echo(f"subcategory {subcategory_id} deleted")
