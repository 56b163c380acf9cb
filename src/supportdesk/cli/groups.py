"""``supportdesk group``: agent groups and their members (agents by email)."""

from __future__ import annotations

from typing import Annotated

import typer

from supportdesk.agents.groups import (
    add_group,
    add_member,
    delete_group,
    list_groups,
    remove_member_by_email,
    replace_members,
    update_group,
)
from supportdesk.catalog.schemas import GroupCreate, NamedUpdate
from supportdesk.cli.catalog import IdOption, PositionOption, build, table, tenant_unit
from supportdesk.cli.common import TenantOption, app

group_app = typer.Typer(help="Manage a tenant's agent groups and their members.",
                        no_args_is_help=True)
app.add_typer(group_app, name="group")

EmailOption = Annotated[str, typer.Option(help="The agent's email address.")]
MemberOption = Annotated[list[str] | None, typer.Option(
    "--member", help="An agent's email (repeat for several).")]


@group_app.command("list")
def group_list(tenant: TenantOption) -> None:
    """List groups: id, name, members."""
    with tenant_unit(tenant, write=False) as unit:
        rows = [(g.id, g.name, ", ".join(g.members) or "-") for g in list_groups(unit)]
    table(("ID", "NAME", "MEMBERS"), (5, 24), rows)


@group_app.command("create")
def group_create(
    tenant: TenantOption,
    name: Annotated[str, typer.Option(help="The group's name.")],
    member: MemberOption = None,
) -> None:
    """Add a group, optionally with members."""
    with tenant_unit(tenant) as unit:
        group = add_group(unit, build(GroupCreate, name=name, members=member))
    typer.echo(f"group {group.name!r} created (id {group.id})")


@group_app.command("rename")
def group_rename(
    tenant: TenantOption,
    group_id: IdOption,
    name: Annotated[str | None, typer.Option(help="The new name.")] = None,
    position: PositionOption = None,
) -> None:
    """Rename (shows on every ticket) or reorder a group."""
    with tenant_unit(tenant) as unit:
        update_group(unit, group_id, build(NamedUpdate, name=name, position=position))
    typer.echo(f"group {group_id} updated")


@group_app.command("delete")
def group_delete(tenant: TenantOption, group_id: IdOption) -> None:
    """Delete a group no ticket is routed to (its agents stay)."""
    with tenant_unit(tenant) as unit:
        delete_group(unit, group_id)
    typer.echo(f"group {group_id} deleted")


@group_app.command("add-member")
def group_add_member(tenant: TenantOption, group_id: IdOption, email: EmailOption) -> None:
    """Add an active agent to a group."""
    with tenant_unit(tenant) as unit:
        add_member(unit, group_id, email)
    typer.echo(f"{email.strip().lower()} is a member of group {group_id}")


@group_app.command("remove-member")
def group_remove_member(tenant: TenantOption, group_id: IdOption, email: EmailOption) -> None:
    """Take an agent out of a group."""
    with tenant_unit(tenant) as unit:
        remove_member_by_email(unit, group_id, email)
    typer.echo(f"{email.strip().lower()} removed from group {group_id}")


@group_app.command("set-members")
def group_set_members(tenant: TenantOption, group_id: IdOption,
                      member: MemberOption = None) -> None:
    """Make exactly these agents the members (no --member empties the group)."""
    with tenant_unit(tenant) as unit:
        group = replace_members(unit, group_id, member or [])
    typer.echo(f"group {group_id} has {len(group.members)} members")
