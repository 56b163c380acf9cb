"""``supportdesk backup`` and ``supportdesk restore``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from supportdesk.backup.service import create_backup, restore_backup
from supportdesk.cli.common import app, deployment


@app.command()
def backup(
    archive: Annotated[Path, typer.Argument(help="Where to write the archive (.tar).")],
) -> None:
    """Back up the database and attachment files into one archive, while serving."""
    with deployment() as (settings, database):
        report = create_backup(settings, database, archive)
    manifest = report.manifest
    typer.echo(f"backup written to {report.path} ({report.size_bytes} bytes): "
               f"{manifest.tenants} tenants, {manifest.tickets} tickets, "
               f"{len(manifest.attachments)} attachment files, schema "
               f"{manifest.schema_revision}")


@app.command()
def restore(
    archive: Annotated[Path, typer.Argument(help="An archive made by supportdesk backup.")],
    force: Annotated[bool, typer.Option(
        "--force", help="Replace a database that already holds tenants.")] = False,
) -> None:
    """Replace the configured database and attachments with a backup (stop serving first)."""
    with deployment() as (settings, database):
        report = restore_backup(settings, database, archive, force=force)
    manifest = report.manifest
    typer.echo(f"restored {manifest.tenants} tenants and {manifest.tickets} tickets from "
               f"{report.path} (taken {manifest.created_at}); schema is up to date")
