"""``kb/category``: knowledge base categories, addressed by ``category_name``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from supportdesk.api.deps import ReadUnit, WriteUnit
from supportdesk.api.v3 import params
from supportdesk.api.v3.docs import READ_ERRORS, WRITE_ERRORS
from supportdesk.api.v3.kb_wire import CATEGORY_DELETED, CATEGORY_EXAMPLE, category_body
from supportdesk.api.v3.wire import json_response
from supportdesk.kb.categories import (
    create_category,
    delete_category,
    get_category,
    update_category,
)
from supportdesk.kb.schemas import CategoryCreate, CategoryUpdate

router = APIRouter(tags=["07. KB Categories"])

_CODES = ("support_portal_visibility: 1 not visible in the Support Portal, 2 all visitors to "
          "the Support Portal, 3 only signed in users of the Support Portal, 4 Support Portal "
          "signed in users from specific companies (company_list). agent_portal_visibility: "
          "1 all agents, 2 all agents in my group(s) (agent_group_list).")
CategoryName = Annotated[str | None, Query(description="The name of the category.")]


def _ok(description: str, example: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": description,
                  "content": {"application/json": {"example": example}}}}


@router.post(
    "/kb/category/create",
    operation_id="CreateKBCategory",
    summary="Add a KB Category",
    description=_CODES,
    responses={**_ok("Successfully created KB category", CATEGORY_EXAMPLE), **WRITE_ERRORS},
)
def post_kb_category(unit: WriteUnit, body: CategoryCreate) -> Response:
    """Create a category at the end of the display order."""
    return json_response(category_body(create_category(unit, data=body)))


@router.get(
    "/kb/category/details",
    operation_id="GetCategoryDetails",
    summary="Get Category Details",
    description="Get category details for a given category name. " + _CODES,
    responses={**_ok("Successfully retrieved category details", CATEGORY_EXAMPLE),
               **READ_ERRORS},
)
def get_kb_category(unit: ReadUnit, category_name: CategoryName = None) -> Response:
    """The category with this name."""
    name = params.required_text(category_name, "category_name")
    return json_response(category_body(get_category(unit, name=name)))


@router.put(
    "/kb/category/update",
    operation_id="UpdateKBCategory",
    summary="Update KB Category",
    description="Category properties that are not part of the request body will not be "
    "changed. " + _CODES,
    responses={**_ok("Successfully updated KB category", CATEGORY_EXAMPLE), **WRITE_ERRORS},
)
def put_kb_category(unit: WriteUnit, body: CategoryUpdate,
                    category_name: CategoryName = None) -> Response:
    """Change only the fields sent; a list sent replaces the stored one."""
    name = params.required_text(category_name, "category_name")
    return json_response(category_body(update_category(unit, name=name, changes=body)))


@router.delete(
    "/kb/category/delete",
    operation_id="DeleteKBCategory",
    summary="Delete KB Category",
    description="Delete KB Category with the given category name. A category that still "
    "has folders is not deleted (409).",
    responses={**_ok("Successfully deleted KB category", CATEGORY_DELETED), **WRITE_ERRORS},
)
def delete_kb_category(unit: WriteUnit, category_name: CategoryName = None) -> Response:
    """Delete an empty category."""
    delete_category(unit, name=params.required_text(category_name, "category_name"))
    return json_response(CATEGORY_DELETED)
