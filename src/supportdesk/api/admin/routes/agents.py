"""Admin API: Agents and their roles.

Agents are never deleted: ``DELETE`` deactivates, so tickets and history
keep their name; ``PATCH {"is_active": true}`` reactivates.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from supportdesk.agents.models import Agent
from supportdesk.agents.schemas import AgentCreate, AgentUpdate
from supportdesk.agents.service import (
    add_agent,
    deactivate_agent,
    get_agent,
    list_agents,
    update_agent,
)
from supportdesk.api.admin.crud import CrudRoutes, int_id
from supportdesk.api.admin.settings_docs import ID_PATH
from supportdesk.api.v3.wire import wire_time

router = APIRouter(tags=["Admin: Agents"])

AgentId = Annotated[int, Path(**ID_PATH, description="The agent's id.")]

AGENT_EXAMPLE: dict[str, Any] = {
    "id": 4, "email": "jo.bloggs@acme.example", "name": "Jo Bloggs", "role": "agent",
    "is_active": True, "created_at": "2026-01-05 09:00:00",
}


def agent_record(agent: Agent) -> dict[str, Any]:
    """An agent in the admin API's words."""
    return {"id": agent.id, "email": agent.email, "name": agent.name, "role": agent.role,
            "is_active": agent.is_active, "created_at": wire_time(agent.created_at)}


agents = CrudRoutes(router, path="/agents", key="agents",
                    item_id=int_id("agent_id", AgentId), record=agent_record,
                    example=AGENT_EXAMPLE)
# list_agents takes the tenant-scoped session, as the v3 API and the CLI call it.
agents.add_list(lambda unit: list_agents(unit.session), operation_id="AdminListAgents",
                summary="List agents",
                description="Every agent of the helpdesk, including deactivated ones.",
                returns="All agents, oldest first, active or not")
agents.add_create(add_agent, AgentCreate, operation_id="AdminCreateAgent",
                  summary="Add an agent",
                  description="Add a member of the support team; the email must be unused "
                  "(409).",
                  returns="The new agent")
agents.add_read(get_agent, operation_id="AdminGetAgent", summary="Get an agent",
                description="One agent by id.", returns="The agent")
agents.add_update(update_agent, AgentUpdate, operation_id="AdminUpdateAgent",
                  summary="Change an agent",
                  description="Rename, change role, or (de)activate; the email cannot change.",
                  returns="The agent after the change")
agents.add_delete(deactivate_agent, operation_id="AdminDeactivateAgent",
                  summary="Deactivate an agent",
                  description="Deactivate the agent (never deleted: tickets keep their "
                  "history).")
