"""``supportdesk apikey``: issue, list and revoke a tenant's API keys."""

from __future__ import annotations

from typing import Annotated

import typer

from supportdesk.cli.common import TenantOption, app, deployment, when
from supportdesk.tenancy.service import get_tenant, issue_key, list_keys, revoke_key

apikey_app = typer.Typer(help="Issue, list and revoke a tenant's API keys.",
                         no_args_is_help=True)
app.add_typer(apikey_app, name="apikey")


@apikey_app.command("create")
def apikey_create(
    tenant: TenantOption,
    label: Annotated[str | None, typer.Option(help="What the key is for.")] = None,
    admin: Annotated[bool, typer.Option("--admin", help="An administrator key.")] = False,
) -> None:
    """Issue a key; prints the key alone, for KEY=$(supportdesk apikey create ...)."""
    with deployment() as (_settings, database), database.session(write=True) as session:
        tenant_id = get_tenant(session, tenant).id
        key = issue_key(session, tenant_id=tenant_id, label=label, is_admin=admin)
        session.commit()
    typer.echo(key.secret)


@apikey_app.command("list")
def apikey_list(tenant: TenantOption) -> None:
    """List a tenant's keys: id, prefix, label, created, revoked."""
    with deployment() as (_settings, database), database.session() as session:
        tenant_id = get_tenant(session, tenant).id
        keys = [(k.id, k.prefix, k.label, k.created_at, k.revoked_at)
                for k in list_keys(session, tenant_id=tenant_id)]
    typer.echo(f"{'ID':>5} {'PREFIX':<10} {'LABEL':<24} {'CREATED':<19} REVOKED")
    for key_id, prefix, key_label, created, revoked in keys:
        typer.echo(f"{key_id:>5} {prefix:<10} {key_label or '-':<24} {when(created):<19} "
                   f"{when(revoked)}")


@apikey_app.command("revoke")
def apikey_revoke(
    tenant: TenantOption,
    key_id: Annotated[int, typer.Option("--id", help="The key's id (see apikey list).")],
) -> None:
    """Revoke a key; it stops working on the next request."""
    with deployment() as (_settings, database), database.session(write=True) as session:
        tenant_id = get_tenant(session, tenant).id
        revoke_key(session, tenant_id=tenant_id, key_id=key_id)
        session.commit()
    typer.echo(f"revoked API key {key_id} of {tenant!r}")
