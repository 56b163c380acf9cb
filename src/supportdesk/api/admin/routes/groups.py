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
from supportdesk.api.admin.crud import CrudRoutes, int_id
from supportdesk.api.admin.deps import AdminWriteUnit
from supportdesk.api.admin.settings_docs import ID_PATH, NO_CONTENT, no_content, write_ok
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


groups = CrudRoutes(router, path="/groups", key="groups",
                    item_id=int_id("group_id", GroupId), record=group_record,
                    example=GROUP_EXAMPLE)
groups.add_list(list_groups, operation_id="AdminListGroups", summary="List groups",
                description="Every group with its members.",
                returns="All groups in display order, with members")
groups.add_create(add_group, GroupCreate, operation_id="AdminCreateGroup",
                  summary="Add a group",
                  description="Add a group, optionally with members (agent emails).",
                  returns="The new group")
groups.add_read(get_group, operation_id="AdminGetGroup", summary="Get a group",
                description="One group by id, with its members.", returns="The group")
groups.add_update(update_group, NamedUpdate, operation_id="AdminUpdateGroup",
                  summary="Rename a group",
                  description="Rename or reorder; tickets show the new name at once.",
                  returns="The group after the change")
groups.add_delete(delete_group, operation_id="AdminDeleteGroup", summary="Delete a group",
                  description="Delete a group no ticket is routed to (409 with the count "
                  "otherwise).")


# --- membership: the group's own routes ------------------------------------------


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
