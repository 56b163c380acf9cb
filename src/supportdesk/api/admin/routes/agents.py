"""Admin API: Agents and their roles.

Agents are never deleted: ``DELETE`` deactivates, so tickets and history
keep their name; ``PATCH {"is_active": true}`` reactivates.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from starlette.responses import Response

from supportdesk.agents.models import Agent
from supportdesk.agents.schemas import AgentCreate, AgentUpdate
from supportdesk.agents.service import (
    add_agent,
    deactivate_agent,
    get_agent,
    list_agents,
    update_agent,
)
from supportdesk.api.admin.deps import AdminReadUnit, AdminWriteUnit
from supportdesk.api.admin.settings_docs import (
    ID_PATH,
    NO_CONTENT,
    listing,
    no_content,
    read_ok,
    write_ok,
)
from supportdesk.api.v3.wire import json_response, wire_time

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


@router.get("/agents", operation_id="AdminListAgents", summary="List agents",
            responses=read_ok(listing("agents", AGENT_EXAMPLE), "All agents, oldest first, "
                              "active or not"))
def get_agents(unit: AdminReadUnit) -> Response:
    """Every agent of the helpdesk, including deactivated ones."""
    agents = list_agents(unit.session)
    return json_response({"count": len(agents), "agents": [agent_record(a) for a in agents]})


@router.post("/agents", operation_id="AdminCreateAgent", summary="Add an agent",
             status_code=201, responses=write_ok(AGENT_EXAMPLE, "The new agent", 201))
def post_agent(unit: AdminWriteUnit, body: AgentCreate) -> Response:
    """Add a member of the support team; the email must be unused (409)."""
    return json_response(agent_record(add_agent(unit, body)), 201)


@router.get("/agents/{agent_id}", operation_id="AdminGetAgent", summary="Get an agent",
            responses=read_ok(AGENT_EXAMPLE, "The agent"))
def get_one_agent(unit: AdminReadUnit, agent_id: AgentId) -> Response:
    """One agent by id."""
    return json_response(agent_record(get_agent(unit, agent_id)))


@router.patch("/agents/{agent_id}", operation_id="AdminUpdateAgent", summary="Change an agent",
              responses=write_ok(AGENT_EXAMPLE, "The agent after the change"))
def patch_agent(unit: AdminWriteUnit, agent_id: AgentId, body: AgentUpdate) -> Response:
    """Rename, change role, or (de)activate; the email cannot change."""
    return json_response(agent_record(update_agent(unit, agent_id, body)))


@router.delete("/agents/{agent_id}", operation_id="AdminDeactivateAgent",
               summary="Deactivate an agent", status_code=204, responses=NO_CONTENT)
def delete_agent(unit: AdminWriteUnit, agent_id: AgentId) -> Response:
    """Deactivate the agent (never deleted: tickets keep their history)."""
    deactivate_agent(unit, agent_id)
    return no_content()
