"""Managing agents (the support team) and group membership."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from supportdesk.agents.models import Agent, Group, GroupMember
from supportdesk.agents.schemas import AgentCreate, AgentUpdate
from supportdesk.clock import Clock, system_clock
from supportdesk.db.scoping import current_tenant
from supportdesk.db.sequences import next_id
from supportdesk.errors import BadRequest, Conflict, NotFound
from supportdesk.tenancy.service import bump_catalog_version
from supportdesk.text import normalize_email
from supportdesk.unit import TenantUnit

AGENT_ROLES = ("admin", "agent")


def create_agent(
    session: Session, *, email: str, name: str, role: str = "agent", clock: Clock = system_clock
) -> Agent:
    """Add a member of the support team."""
    address = normalize_email(email, field="email")
    if role not in AGENT_ROLES:
        raise BadRequest(f"role must be one of {', '.join(AGENT_ROLES)}")
    if not name.strip():
        raise BadRequest("agent name must not be empty")
    if session.scalar(select(func.count()).select_from(Agent).where(Agent.email == address)):
        raise Conflict(f"an agent with email {address!r} already exists")
    agent = Agent(id=next_id(session, "agents"), email=address, name=name.strip(), role=role,
                  is_active=True, created_at=clock.now())
    session.add(agent)
    bump_catalog_version(session, current_tenant(session))
    session.flush()
    return agent


def list_agents(session: Session) -> list[Agent]:
    """All agents of the tenant, oldest first."""
    return list(session.scalars(select(Agent).order_by(Agent.id)))


def add_to_group(session: Session, *, agent_email: str, group_name: str) -> None:
    """Make an agent a member of a group."""
    agent = session.scalar(select(Agent).where(Agent.email == agent_email.strip().lower()))
    if agent is None:
        raise NotFound(f"no agent with email {agent_email!r}")
    group = session.scalar(select(Group).where(func.lower(Group.name) == group_name.lower()))
    if group is None:
        raise NotFound(f"no group named {group_name!r}")
    session.merge(GroupMember(group_id=group.id, agent_id=agent.id,
                              tenant_id=current_tenant(session)))
    session.flush()


def get_agent(unit: TenantUnit, agent_id: int) -> Agent:
    """One agent; 404 if the tenant has none with this id."""
    agent = unit.session.get(Agent, (unit.tenant_id, agent_id))
    if agent is None:
        raise NotFound(f"no agent with id {agent_id}")
    return agent


def add_agent(unit: TenantUnit, data: AgentCreate) -> Agent:
    """Add an agent to the team and commit (409 if the email is taken)."""
    agent = create_agent(unit.session, email=data.email, name=data.name, role=data.role,
                         clock=unit.clock)
    unit.commit()
    return agent


def update_agent(unit: TenantUnit, agent_id: int, changes: AgentUpdate) -> Agent:
    """Rename an agent, change their role, or (de)activate them, and commit."""
    agent = get_agent(unit, agent_id)
    if changes.name is not None:
        if not changes.name.strip():
            raise BadRequest("agent name must not be empty")
        agent.name = changes.name.strip()
    if changes.role is not None:
        agent.role = changes.role
    if changes.is_active is not None:
        agent.is_active = changes.is_active
    bump_catalog_version(unit.session, unit.tenant_id)
    unit.commit()
    return agent


def deactivate_agent(unit: TenantUnit, agent_id: int) -> Agent:
    """Deactivate an agent: never deleted, so tickets and history keep their name.

    A deactivated agent cannot be assigned tickets; tickets already assigned
    stay assigned until someone reassigns them.
    """
    agent = get_agent(unit, agent_id)
    agent.is_active = False
    bump_catalog_version(unit.session, unit.tenant_id)
    unit.commit()
    return agent
