"""Commands that run the deployment: serve, migrate, seed, demo-ensure."""

from __future__ import annotations

import time
from typing import Annotated, Any

import typer
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

import supportdesk.workers
from supportdesk.api.header_limits import UVICORN_HEAD_FACTOR
from supportdesk.cli.common import TenantOption, app, base_url, deployment, print_access
from supportdesk.config import Settings, get_settings
from supportdesk.db.migrate import upgrade
from supportdesk.db.rls import MAKE_MATCH_LEAKPROOF, search_match_is_leakproof
from supportdesk.errors import NotFound
from supportdesk.memory import limit_malloc_arenas
from supportdesk.seed.bulk import (
    BULK_CONVERSATION_SHARE,
    DEFAULT_BATCH,
    SeedReport,
    seed_tickets,
)
from supportdesk.seed.sample import generate_sample_data
from supportdesk.tenancy.provisioning import provision_tenant
from supportdesk.tenancy.service import get_tenant, issue_key

DEMO_SUBDOMAIN = "demo"
DEMO_KEY_LABEL = "make run"
# Urgent tickets, 50 to a page: the example request printed for the demo.
EXAMPLE_QUERY = "tickets?ticket_count=50&filters=%7B%22priority%22%3A%5B%2220%22%5D%7D"


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int | None, typer.Option(help="Port (default: SUPPORTDESK_PORT).")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    reload: Annotated[bool, typer.Option(help="Restart on code changes (development).")] = False,
) -> None:
    """Serve the API with uvicorn."""
    settings = get_settings()
    limit_malloc_arenas(settings.malloc_arenas)
    # An import string and factory, not an app object: workers and reload
    # each build their own app in their own process.
    # h11 (the HTTP implementation the requirements install) with a request-head
    # limit above the application's own header limits, so that clients get
    # their 431 JSON answer and uvicorn's plain 400 only far beyond them.
    # Several workers each accept on a socket of their own (supportdesk.workers).
    supportdesk.workers.serve_app("supportdesk.app:create_app", factory=True, host=host,
                port=port or settings.port, workers=workers, reload=reload, http="h11",
                h11_max_incomplete_event_size=UVICORN_HEAD_FACTOR * settings.max_header_bytes,
                timeout_worker_healthcheck=settings.worker_healthcheck_seconds,
                **proxy_options(settings))


def proxy_options(settings: Settings) -> dict[str, Any]:
    """Which peers' ``X-Forwarded-For``/``-Proto`` uvicorn believes: only the configured
    proxies (``SUPPORTDESK_FORWARDED_ALLOW_IPS``), none by default.

    Believed, a proxy's ``X-Forwarded-For`` becomes the client address (the
    failed-authentication limit counts per client behind it) and its
    ``X-Forwarded-Proto`` the scheme of the URLs in responses. uvicorn on its
    own would trust loopback peers (or its ``FORWARDED_ALLOW_IPS`` variable);
    passing both options keeps the decision in our settings.
    """
    trusted = settings.forwarded_allow_ips
    return {"proxy_headers": bool(trusted), "forwarded_allow_ips": trusted}


@app.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    with deployment() as (_settings, database):
        upgrade(database.engine)
        leakproof = True
        if database.dialect == "postgresql":
            with database.engine.connect() as connection:
                leakproof = search_match_is_leakproof(connection)
    typer.echo("database schema is up to date")
    if not leakproof:
        typer.echo(
            "warning: ticket search cannot use its index under row-level security until a "
            f"superuser runs, once, in this database: {MAKE_MATCH_LEAKPROOF}; "
            "until then every search reads all of the tenant's search documents "
            "(docs/operations.md, PostgreSQL)", err=True)


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
    with deployment() as (_settings, database), progress:
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
    with deployment() as (settings, database):
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
    print_access(settings, DEMO_SUBDOMAIN, secret, port)
    typer.echo("Try:")
    typer.echo(f'  curl -H "Authorization: {secret}" '
               f'"{base_url(settings, DEMO_SUBDOMAIN, port)}/apis/v3/{EXAMPLE_QUERY}"')
