"""``GET /agents``: not in the vendor document, but real scripts call it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from supportdesk.agents.service import list_agents
from supportdesk.api.deps import ReadUnit
from supportdesk.api.v3.docs import READ_ERRORS
from supportdesk.api.v3.wire import json_response, wire_time

router = APIRouter(tags=["11. Agents"])

AGENTS_EXAMPLE = {
    "count": 1,
    "content": [{"email": "agent@example.com", "name": "Alex Agent", "role": "agent",
                 "is_active": True, "created_on": "2026-01-01 09:00:00"}],
}


@router.get(
    "/agents",
    operation_id="GetAgentList",
    summary="List all agents",
    responses={200: {"description": "The tenant's agents, oldest first",
                     "content": {"application/json": {"example": AGENTS_EXAMPLE}}},
               **READ_ERRORS},
)
def get_agents(unit: ReadUnit) -> Response:
    """Every agent of the helpdesk as ``{count, content: [{email, name, ...}]}``."""
    agents = list_agents(unit.session)
    content: list[dict[str, Any]] = [
        {"email": a.email, "name": a.name, "role": a.role, "is_active": a.is_active,
         "created_on": wire_time(a.created_at)}
        for a in agents
    ]
    return json_response({"count": len(content), "content": content})
