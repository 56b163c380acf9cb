"""CLI commands for contracts and the per-tenant contract access switch."""

from __future__ import annotations

from typing import Annotated

import typer

from supportdesk.cli.common import deployment
from supportdesk.cli.tenants import tenant_app
from supportdesk.contracts.service import has_contract_access, set_contract_access
from supportdesk.unit import open_unit


@tenant_app.command("contract-access")
def tenant_contract_access(
    subdomain: Annotated[str, typer.Argument(help="The tenant's subdomain.")],
    enabled: Annotated[bool | None, typer.Option(
        "--on/--off", help="Switch contracts on or off; without either, show the switch.")]
    = None,
) -> None:
    """Show or switch a tenant's access to contracts (a special-access feature)."""
    with deployment() as (settings, database), \
            open_unit(database, settings, subdomain=subdomain, write=enabled is not None) \
            as unit:
        if enabled is None:
            state = has_contract_access(unit.session, tenant_id=unit.tenant_id)
        else:
            state = set_contract_access(unit, enabled=enabled)
    typer.echo(f"contract access for {subdomain}: {'on' if state else 'off'}")
