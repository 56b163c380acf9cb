"""What every command module shares: the root Typer app, options, the deployment."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated

import typer

from supportdesk.config import Settings, get_settings
from supportdesk.db.session import Database
from supportdesk.errors import SupportdeskError

app = typer.Typer(
    help="supportdesk: a self-hosted helpdesk speaking the Desk365 API v3.",
    no_args_is_help=True, add_completion=False,
)

TenantOption = Annotated[str, typer.Option("--tenant", help="The tenant's subdomain.")]


@contextmanager
def deployment() -> Iterator[tuple[Settings, Database]]:
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


def base_url(settings: Settings, subdomain: str, port: int) -> str:
    return f"{settings.public_url_scheme}://{subdomain}.{settings.base_domain}:{port}"


def print_access(settings: Settings, subdomain: str, secret: str, port: int) -> None:
    base = base_url(settings, subdomain, port)
    typer.echo(f"  API key:     {secret}")
    typer.echo(f"  API base:    {base}/apis/v3/")
    typer.echo(f"  Swagger UI:  {base}/apis/api-docs.html")


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value is not None else "-"
