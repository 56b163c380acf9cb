"""Admin API: Groups and membership."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from starlette.responses import Response

from supportdesk.agents.groups import (
    GroupView,
    add_group,
    add_member,
    delete_group,
    get_group,
    list_groups,
    remove_member,
    replace_members,
    update_group,
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
from supportdesk.api.v3.wire import json_response
from supportdesk.catalog.schemas import GroupCreate, GroupMemberAdd, GroupMembers, NamedUpdate

router = APIRouter(tags=["Admin: Groups"])

GroupId = Annotated[int, Path(**ID_PATH, description="The group's id.")]
AgentId = Annotated[int, Path(**ID_PATH, description="The member agent's id.")]

GROUP_EXAMPLE: dict[str, Any] = {
    "id": 1, "name": "Sales", "position": 0, "members": ["alex.morgan@demo.example"],
}


def group_record(group: GroupView) -> dict[str, Any]:
    """A group with its members' emails, in the admin API's words."""
    return {"id": group.id, "name": group.name, "position": group.position,
            "members": list(group.members)}


@router.get("/groups", operation_id="AdminListGroups", summary="List groups",
            responses=read_ok(listing("groups", GROUP_EXAMPLE), "All groups in display "
                              "order, with members"))
def get_groups(unit: AdminReadUnit) -> Response:
    """Every group with its members."""
    groups = list_groups(unit)
    return json_response({"count": len(groups), "groups": [group_record(g) for g in groups]})


@router.post("/groups", operation_id="AdminCreateGroup", summary="Add a group",
             status_code=201, responses=write_ok(GROUP_EXAMPLE, "The new group", 201))
def post_group(unit: AdminWriteUnit, body: GroupCreate) -> Response:
    """Add a group, optionally with members (agent emails)."""
    return json_response(group_record(add_group(unit, body)), 201)


@router.get("/groups/{group_id}", operation_id="AdminGetGroup", summary="Get a group",
            responses=read_ok(GROUP_EXAMPLE, "The group"))
def get_one_group(unit: AdminReadUnit, group_id: GroupId) -> Response:
    """One group by id, with its members."""
    return json_response(group_record(get_group(unit, group_id)))


@router.patch("/groups/{group_id}", operation_id="AdminUpdateGroup", summary="Rename a group",
              responses=write_ok(GROUP_EXAMPLE, "The group after the change"))
def patch_group(unit: AdminWriteUnit, group_id: GroupId, body: NamedUpdate) -> Response:
    """Rename or reorder; tickets show the new name at once."""
    return json_response(group_record(update_group(unit, group_id, body)))


@router.delete("/groups/{group_id}", operation_id="AdminDeleteGroup", summary="Delete a group",
               status_code=204, responses=NO_CONTENT)
def delete_one_group(unit: AdminWriteUnit, group_id: GroupId) -> Response:
    """Delete a group no ticket is routed to (409 with the count otherwise)."""
    delete_group(unit, group_id)
    return no_content()


@router.put("/groups/{group_id}/members", operation_id="AdminSetGroupMembers",
            summary="Replace a group's members",
            responses=write_ok(GROUP_EXAMPLE, "The group with its new members"))
def put_members(unit: AdminWriteUnit, group_id: GroupId, body: GroupMembers) -> Response:
    """Make exactly these active agents (by email) the members."""
    return json_response(group_record(replace_members(unit, group_id, body.members)))


@router.post("/groups/{group_id}/members", operation_id="AdminAddGroupMember",
             summary="Add a member to a group",
             responses=write_ok(GROUP_EXAMPLE, "The group with the member added"))
def post_member(unit: AdminWriteUnit, group_id: GroupId, body: GroupMemberAdd) -> Response:
    """Add one active agent (by email); adding a member again changes nothing."""
    return json_response(group_record(add_member(unit, group_id, body.email)))


@router.delete("/groups/{group_id}/members/{agent_id}", operation_id="AdminRemoveGroupMember",
               summary="Remove a member from a group", status_code=204, responses=NO_CONTENT)
def delete_member(unit: AdminWriteUnit, group_id: GroupId, agent_id: AgentId) -> Response:
    """Take an agent out of the group; 404 if they are not a member."""
    remove_member(unit, group_id, agent_id)
    return no_content()
