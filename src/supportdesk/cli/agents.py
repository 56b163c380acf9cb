"""``supportdesk agent``: a tenant's support team.

Agents are never deleted: ``deactivate`` keeps their name on tickets and in
history; ``update --active`` brings them back.
"""

from __future__ import annotations

from typing import Annotated

import typer

from supportdesk.agents.schemas import AgentUpdate
from supportdesk.agents.service import (
    AGENT_ROLES,
    create_agent,
    deactivate_agent,
    list_agents,
    update_agent,
)
from supportdesk.cli.catalog import IdOption, build, table, tenant_unit
from supportdesk.cli.common import TenantOption, app, deployment, when
from supportdesk.unit import open_unit

agent_app = typer.Typer(help="Manage a tenant's agents.", no_args_is_help=True)
app.add_typer(agent_app, name="agent")


@agent_app.command("list")
def agent_list(tenant: TenantOption) -> None:
    """List agents: id, role, active, created, email, name."""
    with tenant_unit(tenant, write=False) as unit:
        rows = [(a.id, a.role, "yes" if a.is_active else "no", when(a.created_at), a.email,
                 a.name) for a in list_agents(unit.session)]
    table(("ID", "ROLE", "ACTIVE", "CREATED", "EMAIL", "NAME"), (5, 6, 6, 19, 32), rows)


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


@agent_app.command("update")
def agent_update(
    tenant: TenantOption,
    agent_id: IdOption,
    name: Annotated[str | None, typer.Option(help="A new full name.")] = None,
    role: Annotated[str | None, typer.Option(help=f"One of {', '.join(AGENT_ROLES)}.")]
    = None,
    active: Annotated[bool | None, typer.Option("--active/--inactive",
                                                help="Reactivate or deactivate.")] = None,
) -> None:
    """Rename an agent, change their role, or (de)activate them (the email cannot change)."""
    with tenant_unit(tenant) as unit:
        update_agent(unit, agent_id, build(AgentUpdate, name=name, role=role,
                                           is_active=active))
    typer.echo(f"agent {agent_id} updated")


@agent_app.command("deactivate")
def agent_deactivate(tenant: TenantOption, agent_id: IdOption) -> None:
    """Deactivate an agent: they keep their tickets' history but get no new tickets."""
    with tenant_unit(tenant) as unit:
        deactivate_agent(unit, agent_id)
    typer.echo(f"agent {agent_id} deactivated")
