"""``supportdesk tenant``: create and list helpdesks."""

from __future__ import annotations

from typing import Annotated

import typer

from supportdesk.cli.common import app, deployment, print_access, when
from supportdesk.seed.sample import generate_sample_data
from supportdesk.tenancy.provisioning import provision_tenant
from supportdesk.tenancy.service import list_tenants

tenant_app = typer.Typer(help="Create and list tenants (helpdesks).", no_args_is_help=True)
app.add_typer(tenant_app, name="tenant")


@tenant_app.command("create")
def tenant_create(
    subdomain: Annotated[str, typer.Argument(help="The tenant's subdomain, e.g. acme.")],
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    demo: Annotated[bool, typer.Option("--demo", help="Add demo setup and sample data.")]
    = False,
) -> None:
    """Create a tenant and print its first API key."""
    with deployment() as (settings, database):
        provisioned = provision_tenant(database, settings, subdomain=subdomain, name=name,
                                       demo=demo)
        report = generate_sample_data(database, settings, provisioned.subdomain) if demo \
            else None
    typer.echo(f"Tenant {provisioned.subdomain!r} created.")
    if report is not None:
        typer.echo(f"  Sample data: {report.tickets} tickets, {report.conversations} "
                   f"conversations, {report.contacts} contacts")
    print_access(settings, provisioned.subdomain, provisioned.key.secret, settings.port)
    typer.echo("The key is shown only once: keep it.")


@tenant_app.command("list")
def tenant_list() -> None:
    """List tenants: subdomain, name, created."""
    with deployment() as (_settings, database), database.session() as session:
        tenants = [(t.subdomain, t.name, t.created_at) for t in list_tenants(session)]
    typer.echo(f"{'SUBDOMAIN':<24} {'NAME':<32} CREATED")
    for subdomain, name, created in tenants:
        typer.echo(f"{subdomain:<24} {name:<32} {when(created)}")
