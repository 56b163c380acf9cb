"""``supportdesk agent``: a tenant's support team."""

from __future__ import annotations

from typing import Annotated

import typer

from supportdesk.agents.service import AGENT_ROLES, create_agent
from supportdesk.cli.common import TenantOption, app, deployment
from supportdesk.unit import open_unit

agent_app = typer.Typer(help="Manage a tenant's agents.", no_args_is_help=True)
app.add_typer(agent_app, name="agent")


@agent_app.command("create")
def agent_create(
    tenant: TenantOption,
    email: Annotated[str, typer.Option(help="The agent's email address.")],
    name: Annotated[str, typer.Option(help="The agent's full name.")],
    role: Annotated[str, typer.Option(help=f"One of {', '.join(AGENT_ROLES)}.")] = "agent",
) -> None:
    """Add an agent to a tenant's support team."""
    with deployment() as (settings, database), \
            open_unit(database, settings, subdomain=tenant, write=True) as unit:
        agent = create_agent(unit.session, email=email, name=name, role=role)
        agent_id, agent_email = agent.id, agent.email
        unit.commit()
    typer.echo(f"agent {agent_email} created (id {agent_id})")
