"""Managing agent groups and who is in them.

Tickets refer to a group by id, so a rename shows on every ticket at once.
A group tickets are routed to cannot be deleted (409 with the count);
deleting an unused group removes its memberships, never its agents.
Members are agents, named by email; a deactivated agent cannot be added.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from supportdesk.agents.models import Agent, Group, GroupMember
from supportdesk.catalog.schemas import GroupCreate, NamedUpdate
from supportdesk.catalog.service import (
    create_group,
    ensure_unique,
    get_or_404,
    in_use,
    require_name,
    tickets_using,
)
from supportdesk.errors import BadRequest, NotFound
from supportdesk.tenancy.service import bump_catalog_version
from supportdesk.text import normalize_email
from supportdesk.tickets.models import Ticket
from supportdesk.unit import TenantUnit


@dataclass(frozen=True)
class GroupView:
    """A group with its members' emails (sorted)."""

    id: int
    name: str
    position: int
    members: list[str]


def _members(unit: TenantUnit, group_ids: list[int]) -> dict[int, list[str]]:
    members: dict[int, list[str]] = {group_id: [] for group_id in group_ids}
    rows = unit.session.execute(
        select(GroupMember.group_id, Agent.email)
        .join(Agent, Agent.id == GroupMember.agent_id)
        .where(GroupMember.group_id.in_(group_ids))
        .order_by(Agent.email)
    )
    for group_id, email in rows:
        members[group_id].append(email)
    return members


def _view(unit: TenantUnit, group: Group) -> GroupView:
    return GroupView(group.id, group.name, group.position,
                     _members(unit, [group.id])[group.id])


def list_groups(unit: TenantUnit) -> list[GroupView]:
    """The tenant's groups in display order, with members (two queries)."""
    groups = list(unit.session.scalars(select(Group).order_by(Group.position, Group.id)))
    members = _members(unit, [g.id for g in groups])
    return [GroupView(g.id, g.name, g.position, members[g.id]) for g in groups]


def _group(unit: TenantUnit, group_id: int) -> Group:
    return get_or_404(unit.session, Group, group_id, "group")


def get_group(unit: TenantUnit, group_id: int) -> GroupView:
    """One group with its members; 404 if the tenant has none with this id."""
    return _view(unit, _group(unit, group_id))


def _active_agents(unit: TenantUnit, emails: list[str], field: str) -> list[Agent]:
    wanted: list[str] = []
    for raw in emails:
        address = normalize_email(raw, field=field)
        if address not in wanted:
            wanted.append(address)
    found = {a.email: a for a in unit.session.scalars(select(Agent)
                                                       .where(Agent.email.in_(wanted)))}
    for address in wanted:
        agent = found.get(address)
        if agent is None:
            raise BadRequest(f"{field}: no agent with email {address!r}")
        if not agent.is_active:
            raise BadRequest(f"{field}: agent {address!r} is deactivated")
    return [found[address] for address in wanted]


def _set_members(unit: TenantUnit, group_id: int, agents: list[Agent]) -> None:
    unit.session.execute(delete(GroupMember).where(GroupMember.group_id == group_id))
    for agent in agents:
        unit.session.add(GroupMember(group_id=group_id, agent_id=agent.id))


def add_group(unit: TenantUnit, data: GroupCreate) -> GroupView:
    """Define a group with its first members and commit."""
    agents = _active_agents(unit, data.members, "members")
    group = create_group(unit.session, name=data.name)
    _set_members(unit, group.id, agents)
    unit.commit()
    return _view(unit, group)


def update_group(unit: TenantUnit, group_id: int, changes: NamedUpdate) -> GroupView:
    """Rename or reorder a group; tickets show the new name at once."""
    group = _group(unit, group_id)
    if changes.name is not None:
        name = require_name(changes.name, "group")
        ensure_unique(unit.session, Group, name, "group", exclude_id=group_id)
        group.name = name
    if changes.position is not None:
        group.position = changes.position
    bump_catalog_version(unit.session, unit.tenant_id)
    unit.commit()
    return _view(unit, group)


def delete_group(unit: TenantUnit, group_id: int) -> None:
    """Remove a group no ticket is routed to, with its memberships."""
    group = _group(unit, group_id)
    count = tickets_using(unit.session, Ticket.group_id, group_id)
    if count:
        raise in_use("group", group.name, count, "move them to another group first")
    unit.session.execute(delete(GroupMember).where(GroupMember.group_id == group_id))
    unit.session.delete(group)
    bump_catalog_version(unit.session, unit.tenant_id)
    unit.commit()


def replace_members(unit: TenantUnit, group_id: int, emails: list[str]) -> GroupView:
    """Make exactly these agents (by email) the group's members and commit."""
    group = _group(unit, group_id)
    _set_members(unit, group_id, _active_agents(unit, emails, "members"))
    bump_catalog_version(unit.session, unit.tenant_id)
    unit.commit()
    return _view(unit, group)


def add_member(unit: TenantUnit, group_id: int, email: str) -> GroupView:
    """Add one agent to a group (already a member: no change) and commit."""
    group = _group(unit, group_id)
    agent = _active_agents(unit, [email], "email")[0]
    if unit.session.get(GroupMember, (unit.tenant_id, group_id, agent.id)) is None:
        unit.session.add(GroupMember(group_id=group_id, agent_id=agent.id))
    bump_catalog_version(unit.session, unit.tenant_id)
    unit.commit()
    return _view(unit, group)


def remove_member(unit: TenantUnit, group_id: int, agent_id: int) -> None:
    """Take an agent out of a group; 404 if they are not a member."""
    _group(unit, group_id)
    membership = unit.session.get(GroupMember, (unit.tenant_id, group_id, agent_id))
    if membership is None:
        raise NotFound(f"agent {agent_id} is not a member of group {group_id}")
    unit.session.delete(membership)
    bump_catalog_version(unit.session, unit.tenant_id)
    unit.commit()


def remove_member_by_email(unit: TenantUnit, group_id: int, email: str) -> None:
    """Take the agent with this email out of a group (the CLI's form)."""
    address = normalize_email(email, field="email")
    agent = unit.session.scalar(select(Agent).where(Agent.email == address))
    if agent is None:
        raise NotFound(f"no agent with email {address!r}")
    remove_member(unit, group_id, agent.id)
