"""The command line: one more entry point onto the same services the API uses.

Every command reads the deployment from ``supportdesk.config.get_settings()``
(the ``SUPPORTDESK_*`` environment). A service refusing something prints
``error: <message>`` on stderr and exits with status 1.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated

import typer
import uvicorn
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from supportdesk.agents.service import AGENT_ROLES, create_agent
from supportdesk.config import Settings, get_settings
from supportdesk.db.migrate import upgrade
from supportdesk.db.session import Database
from supportdesk.errors import NotFound, SupportdeskError
from supportdesk.seed.bulk import (
    BULK_CONVERSATION_SHARE,
    DEFAULT_BATCH,
    SeedReport,
    seed_tickets,
)
from supportdesk.seed.sample import generate_sample_data
from supportdesk.tenancy.provisioning import provision_tenant
from supportdesk.tenancy.service import (
    get_tenant,
    issue_key,
    list_keys,
    list_tenants,
    revoke_key,
)
from supportdesk.unit import open_unit

DEMO_SUBDOMAIN = "demo"
DEMO_KEY_LABEL = "make run"
# Urgent tickets, 50 to a page: the example request printed for the demo.
EXAMPLE_QUERY = "tickets?ticket_count=50&filters=%7B%22priority%22%3A%5B%2220%22%5D%7D"

app = typer.Typer(
    help="supportdesk: a self-hosted helpdesk speaking the Desk365 API v3.",
    no_args_is_help=True, add_completion=False,
)
tenant_app = typer.Typer(help="Create and list tenants (helpdesks).", no_args_is_help=True)
apikey_app = typer.Typer(help="Issue, list and revoke a tenant's API keys.",
                         no_args_is_help=True)
agent_app = typer.Typer(help="Manage a tenant's agents.", no_args_is_help=True)
app.add_typer(tenant_app, name="tenant")
app.add_typer(apikey_app, name="apikey")
app.add_typer(agent_app, name="agent")

TenantOption = Annotated[str, typer.Option("--tenant", help="The tenant's subdomain.")]


@contextmanager
def _database() -> Iterator[tuple[Settings, Database]]:
    """The configured deployment, reporting refused operations as one line on stderr."""
    settings = get_settings()
    database = Database.from_url(settings.database_url, pool_size=2)
    try:
        yield settings, database
    except SupportdeskError as error:
        typer.echo(f"error: {error.message}", err=True)
        raise typer.Exit(1) from None
    finally:
        database.dispose()


def _base_url(settings: Settings, subdomain: str, port: int) -> str:
    return f"{settings.public_url_scheme}://{subdomain}.{settings.base_domain}:{port}"


def _print_access(settings: Settings, subdomain: str, secret: str, port: int) -> None:
    base = _base_url(settings, subdomain, port)
    typer.echo(f"  API key:     {secret}")
    typer.echo(f"  API base:    {base}/apis/v3/")
    typer.echo(f"  Swagger UI:  {base}/apis/api-docs.html")


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value is not None else "-"


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int | None, typer.Option(help="Port (default: SUPPORTDESK_PORT).")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
) -> None:
    """Serve the API with uvicorn."""
    settings = get_settings()
    # An import string and factory, not an app object: workers and reload
    # each build their own app in their own process.
    uvicorn.run("supportdesk.app:create_app", factory=True, host=host,
                port=port or settings.port, workers=workers, reload=reload)


@app.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    with _database() as (_settings, database):
        upgrade(database.engine)
    typer.echo("database schema is up to date")


@tenant_app.command("create")
def tenant_create(
    subdomain: Annotated[str, typer.Argument(help="The tenant's subdomain, e.g. acme.")],
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    demo: Annotated[bool, typer.Option("--demo", help="Add demo setup and sample data.")]
    = False,
) -> None:
    """Create a tenant and print its first API key."""
    with _database() as (settings, database):
        provisioned = provision_tenant(database, settings, subdomain=subdomain, name=name,
                                       demo=demo)
        report = generate_sample_data(database, settings, provisioned.subdomain) if demo \
            else None
    typer.echo(f"Tenant {provisioned.subdomain!r} created.")
    if report is not None:
        typer.echo(f"  Sample data: {report.tickets} tickets, {report.conversations} "
                   f"conversations, {report.contacts} contacts")
    _print_access(settings, provisioned.subdomain, provisioned.key.secret, settings.port)
    typer.echo("The key is shown only once: keep it.")


@tenant_app.command("list")
def tenant_list() -> None:
    """List tenants: subdomain, name, created."""
    with _database() as (_settings, database), database.session() as session:
        tenants = [(t.subdomain, t.name, t.created_at) for t in list_tenants(session)]
    typer.echo(f"{'SUBDOMAIN':<24} {'NAME':<32} CREATED")
    for subdomain, name, created in tenants:
        typer.echo(f"{subdomain:<24} {name:<32} {_when(created)}")


@apikey_app.command("create")
def apikey_create(
    tenant: TenantOption,
    label: Annotated[str | None, typer.Option(help="What the key is for.")] = None,
    admin: Annotated[bool, typer.Option("--admin", help="An administrator key.")] = False,
) -> None:
    """Issue a key; prints the key alone, for KEY=$(supportdesk apikey create ...)."""
    with _database() as (_settings, database), database.session(write=True) as session:
        tenant_id = get_tenant(session, tenant).id
        key = issue_key(session, tenant_id=tenant_id, label=label, is_admin=admin)
        session.commit()
    typer.echo(key.secret)


@apikey_app.command("list")
def apikey_list(tenant: TenantOption) -> None:
    """List a tenant's keys: id, prefix, label, created, revoked."""
    with _database() as (_settings, database), database.session() as session:
        tenant_id = get_tenant(session, tenant).id
        keys = [(k.id, k.prefix, k.label, k.created_at, k.revoked_at)
                for k in list_keys(session, tenant_id=tenant_id)]
    typer.echo(f"{'ID':>5} {'PREFIX':<10} {'LABEL':<24} {'CREATED':<19} REVOKED")
    for key_id, prefix, key_label, created, revoked in keys:
        typer.echo(f"{key_id:>5} {prefix:<10} {key_label or '-':<24} {_when(created):<19} "
                   f"{_when(revoked)}")


@apikey_app.command("revoke")
def apikey_revoke(
    tenant: TenantOption,
    key_id: Annotated[int, typer.Option("--id", help="The key's id (see apikey list).")],
) -> None:
    """Revoke a key; it stops working on the next request."""
    with _database() as (_settings, database), database.session(write=True) as session:
        tenant_id = get_tenant(session, tenant).id
        revoke_key(session, tenant_id=tenant_id, key_id=key_id)
        session.commit()
    typer.echo(f"revoked API key {key_id} of {tenant!r}")


@agent_app.command("create")
def agent_create(
    tenant: TenantOption,
    email: Annotated[str, typer.Option(help="The agent's email address.")],
    name: Annotated[str, typer.Option(help="The agent's full name.")],
    role: Annotated[str, typer.Option(help=f"One of {', '.join(AGENT_ROLES)}.")] = "agent",
) -> None:
    """Add an agent to a tenant's support team."""
    with _database() as (settings, database), \
            open_unit(database, settings, subdomain=tenant, write=True) as unit:
        agent = create_agent(unit.session, email=email, name=name, role=role)
        agent_id, agent_email = agent.id, agent.email
        unit.commit()
    typer.echo(f"agent {agent_email} created (id {agent_id})")


@app.command()
def seed(
    tenant: TenantOption,
    tickets: Annotated[int, typer.Option(min=0, help="How many tickets to add.")],
    batch: Annotated[int, typer.Option(min=1, help="Tickets per transaction.")]
    = DEFAULT_BATCH,
    random_seed: Annotated[int, typer.Option("--seed", help="Same seed, same data.")] = 0,
    conversation_share: Annotated[float, typer.Option(
        min=0.0, max=1.0, help="Fraction of tickets that get a conversation (1.0 for all; "
        "slower).")] = BULK_CONVERSATION_SHARE,
) -> None:
    """Add realistic tickets, contacts and companies in bulk (for demos and load tests)."""
    progress = Progress(
        TextColumn("[bold]seeding"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
        TimeElapsedColumn(), TextColumn("eta"), TimeRemainingColumn(),
        console=Console(stderr=True),
    )
    started = time.perf_counter()
    with _database() as (_settings, database), progress:
        task = progress.add_task("tickets", total=tickets)
        report = seed_tickets(database, subdomain=tenant, tickets=tickets, batch_size=batch,
                              seed=random_seed, conversation_share=conversation_share,
                              on_batch=lambda count: progress.advance(task, count))
    _print_seed_report(report, time.perf_counter() - started)


def _print_seed_report(report: SeedReport, seconds: float) -> None:
    numbers = (f" (numbers {report.first_number}-{report.last_number})"
               if report.first_number is not None else "")
    typer.echo(f"seeded {report.tickets} tickets{numbers}, {report.conversations} "
               f"conversations and {report.contacts} contacts in {seconds:.1f}s")


@app.command("demo-ensure")
def demo_ensure(
    port: Annotated[int | None, typer.Option(help="Port the server will listen on.")] = None,
) -> None:
    """Make sure the demo helpdesk exists and print a fresh API key for it."""
    with _database() as (settings, database):
        with database.session() as session:
            try:
                get_tenant(session, DEMO_SUBDOMAIN)
                exists = True
            except NotFound:
                exists = False
        if exists:
            # Keys are stored only as hashes, so the old one cannot be shown again.
            with database.session(write=True) as session:
                tenant_id = get_tenant(session, DEMO_SUBDOMAIN).id
                secret = issue_key(session, tenant_id=tenant_id, label=DEMO_KEY_LABEL,
                                   is_admin=True).secret
                session.commit()
            typer.echo(f"Demo helpdesk {DEMO_SUBDOMAIN!r} already exists; issued a new key.")
        else:
            provisioned = provision_tenant(database, settings, subdomain=DEMO_SUBDOMAIN,
                                           name="Demo Helpdesk", demo=True)
            report = generate_sample_data(database, settings, DEMO_SUBDOMAIN)
            secret = provisioned.key.secret
            typer.echo(f"Created demo helpdesk {DEMO_SUBDOMAIN!r} with {report.tickets} "
                       f"sample tickets.")
    port = port or settings.port
    _print_access(settings, DEMO_SUBDOMAIN, secret, port)
    typer.echo("Try:")
    typer.echo(f'  curl -H "Authorization: {secret}" '
               f'"{_base_url(settings, DEMO_SUBDOMAIN, port)}/apis/v3/{EXAMPLE_QUERY}"')


def main() -> None:
    """Console-script entry point."""
    app()
