"""Admin API: Statuses, ticket types, categories and subcategories.

Tickets refer to these by id and the wire shows names, so a rename shows on
every ticket at once. Deleting one that tickets use is a 409 saying how
many do; see ``catalog.statuses`` for the rules that keep a helpdesk able
to open, resolve and close tickets.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from starlette.responses import Response

from supportdesk.api.admin.crud import CrudRoutes, int_id
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
from supportdesk.catalog.models import Category, Status, Subcategory, TicketType
from supportdesk.catalog.schemas import (
    CategoryCreate,
    NamedCreate,
    NamedUpdate,
    StatusCreate,
    StatusUpdate,
)
from supportdesk.catalog.service import (
    add_category,
    add_subcategory,
    add_type,
    delete_category,
    delete_subcategory,
    delete_type,
    get_category,
    get_subcategory,
    get_type,
    list_categories,
    list_subcategories,
    list_types,
    subcategories_by_category,
    update_category,
    update_subcategory,
    update_type,
)
from supportdesk.catalog.statuses import (
    add_status,
    delete_status,
    get_status,
    list_statuses,
    update_status,
)

router = APIRouter(tags=["Admin: Ticket fields"])

StatusId = Annotated[int, Path(**ID_PATH, description="The status's id.")]
TypeId = Annotated[int, Path(**ID_PATH, description="The ticket type's id.")]
CategoryId = Annotated[int, Path(**ID_PATH, description="The category's id.")]
SubcategoryId = Annotated[int, Path(**ID_PATH, description="The subcategory's id.")]

STATUS_EXAMPLE: dict[str, Any] = {
    "id": 5, "name": "Waiting on Customer", "category": "pending", "position": 4,
    "is_default": False,
}
TYPE_EXAMPLE: dict[str, Any] = {"id": 7, "name": "Refund", "position": 6}
SUBCATEGORY_EXAMPLE: dict[str, Any] = {"id": 1, "category_id": 1, "name": "Printer",
                                       "position": 0}
CATEGORY_EXAMPLE: dict[str, Any] = {
    "id": 1, "name": "Hardware", "position": 0,
    "subcategories": [SUBCATEGORY_EXAMPLE, {"id": 2, "category_id": 1, "name": "Laptop",
                                            "position": 1}],
}


def status_record(status: Status) -> dict[str, Any]:
    return {"id": status.id, "name": status.name, "category": status.category,
            "position": status.position, "is_default": status.is_default}


def type_record(ticket_type: TicketType) -> dict[str, Any]:
    return {"id": ticket_type.id, "name": ticket_type.name, "position": ticket_type.position}


def subcategory_record(sub: Subcategory) -> dict[str, Any]:
    return {"id": sub.id, "category_id": sub.category_id, "name": sub.name,
            "position": sub.position}


def category_record(category: Category, subs: list[Subcategory]) -> dict[str, Any]:
    return {"id": category.id, "name": category.name, "position": category.position,
            "subcategories": [subcategory_record(s) for s in subs]}


# --- statuses and ticket types: the standard routes ----------------------------------

statuses = CrudRoutes(router, path="/statuses", key="statuses",
                      item_id=int_id("status_id", StatusId), record=status_record,
                      example=STATUS_EXAMPLE)
statuses.add_list(list_statuses, operation_id="AdminListStatuses", summary="List statuses",
                  description="Every status with its category.",
                  returns="All statuses in display order")
statuses.add_create(add_status, StatusCreate, operation_id="AdminCreateStatus",
                    summary="Add a status",
                    description="Add a status in a category (open, pending, resolved, "
                    "closed).",
                    returns="The new status")
statuses.add_read(get_status, operation_id="AdminGetStatus", summary="Get a status",
                  description="One status by id.", returns="The status")
statuses.add_update(update_status, StatusUpdate, operation_id="AdminUpdateStatus",
                    summary="Change a status",
                    description="Rename (shows on every ticket), recategorise, reorder or "
                    "make default.",
                    returns="The status after the change")
statuses.add_delete(delete_status, operation_id="AdminDeleteStatus", summary="Delete a status",
                    description="Delete an unused status; never the default or the last of "
                    "its category (409).")

ticket_types = CrudRoutes(router, path="/ticket_types", key="ticket_types",
                          item_id=int_id("type_id", TypeId), record=type_record,
                          example=TYPE_EXAMPLE)
ticket_types.add_list(list_types, operation_id="AdminListTicketTypes",
                      summary="List ticket types", description="Every ticket type.",
                      returns="All ticket types in display order")
ticket_types.add_create(add_type, NamedCreate, operation_id="AdminCreateTicketType",
                        summary="Add a ticket type", description="Add a ticket type.",
                        returns="The new ticket type")
ticket_types.add_read(get_type, operation_id="AdminGetTicketType", summary="Get a ticket type",
                      description="One ticket type by id.", returns="The ticket type")
ticket_types.add_update(update_type, NamedUpdate, operation_id="AdminUpdateTicketType",
                        summary="Rename a ticket type",
                        description="Rename or reorder; tickets show the new name at once.",
                        returns="The ticket type after the change")
ticket_types.add_delete(delete_type, operation_id="AdminDeleteTicketType",
                        summary="Delete a ticket type",
                        description="Delete a type no ticket has (409 with the count "
                        "otherwise).")


# --- categories -------------------------------------------------------------------
# Categories answer with their subcategories (two service reads) and subcategories
# sit under a category's id, so both are written out rather than put on CrudRoutes.


@router.get("/categories", operation_id="AdminListCategories", summary="List categories",
            responses=read_ok(listing("categories", CATEGORY_EXAMPLE), "All categories in "
                              "display order, with subcategories"))
def get_categories(unit: AdminReadUnit) -> Response:
    """Every category with its subcategories."""
    categories = list_categories(unit)
    subs = subcategories_by_category(unit)
    return json_response({"count": len(categories), "categories": [
        category_record(c, subs.get(c.id, [])) for c in categories]})


@router.post("/categories", operation_id="AdminCreateCategory", summary="Add a category",
             status_code=201, responses=write_ok(CATEGORY_EXAMPLE, "The new category", 201))
def post_category(unit: AdminWriteUnit, body: CategoryCreate) -> Response:
    """Add a category, optionally with subcategories."""
    category = add_category(unit, body)
    return json_response(category_record(category, list_subcategories(unit, category.id)), 201)


@router.get("/categories/{category_id}", operation_id="AdminGetCategory",
            summary="Get a category", responses=read_ok(CATEGORY_EXAMPLE, "The category"))
def get_one_category(unit: AdminReadUnit, category_id: CategoryId) -> Response:
    """One category by id, with its subcategories."""
    category = get_category(unit, category_id)
    return json_response(category_record(category, list_subcategories(unit, category_id)))


@router.patch("/categories/{category_id}", operation_id="AdminUpdateCategory",
              summary="Rename a category",
              responses=write_ok(CATEGORY_EXAMPLE, "The category after the change"))
def patch_category(unit: AdminWriteUnit, category_id: CategoryId,
                   body: NamedUpdate) -> Response:
    """Rename or reorder; tickets show the new name at once."""
    category = update_category(unit, category_id, body)
    return json_response(category_record(category, list_subcategories(unit, category_id)))


@router.delete("/categories/{category_id}", operation_id="AdminDeleteCategory",
               summary="Delete a category", status_code=204, responses=NO_CONTENT)
def delete_one_category(unit: AdminWriteUnit, category_id: CategoryId) -> Response:
    """Delete a category no ticket has, with its subcategories."""
    delete_category(unit, category_id)
    return no_content()


# --- subcategories ----------------------------------------------------------------


@router.get("/categories/{category_id}/subcategories", operation_id="AdminListSubcategories",
            summary="List a category's subcategories",
            responses=read_ok(listing("subcategories", SUBCATEGORY_EXAMPLE),
                              "All subcategories of the category in display order"))
def get_subcategories(unit: AdminReadUnit, category_id: CategoryId) -> Response:
    """Every subcategory of one category."""
    subs = list_subcategories(unit, category_id)
    return json_response({"count": len(subs),
                          "subcategories": [subcategory_record(s) for s in subs]})


@router.post("/categories/{category_id}/subcategories", operation_id="AdminCreateSubcategory",
             summary="Add a subcategory", status_code=201,
             responses=write_ok(SUBCATEGORY_EXAMPLE, "The new subcategory", 201))
def post_subcategory(unit: AdminWriteUnit, category_id: CategoryId,
                     body: NamedCreate) -> Response:
    """Add a subcategory at the end of the category's list."""
    return json_response(subcategory_record(add_subcategory(unit, category_id, body)), 201)


@router.get("/categories/{category_id}/subcategories/{subcategory_id}",
            operation_id="AdminGetSubcategory", summary="Get a subcategory",
            responses=read_ok(SUBCATEGORY_EXAMPLE, "The subcategory"))
def get_one_subcategory(unit: AdminReadUnit, category_id: CategoryId,
                        subcategory_id: SubcategoryId) -> Response:
    """One subcategory of the category."""
    return json_response(subcategory_record(get_subcategory(unit, category_id,
                                                            subcategory_id)))


@router.patch("/categories/{category_id}/subcategories/{subcategory_id}",
              operation_id="AdminUpdateSubcategory", summary="Rename a subcategory",
              responses=write_ok(SUBCATEGORY_EXAMPLE, "The subcategory after the change"))
def patch_subcategory(unit: AdminWriteUnit, category_id: CategoryId,
                      subcategory_id: SubcategoryId, body: NamedUpdate) -> Response:
    """Rename or reorder within the category."""
    return json_response(subcategory_record(update_subcategory(unit, category_id,
                                                               subcategory_id, body)))


@router.delete("/categories/{category_id}/subcategories/{subcategory_id}",
               operation_id="AdminDeleteSubcategory", summary="Delete a subcategory",
               status_code=204, responses=NO_CONTENT)
def delete_one_subcategory(unit: AdminWriteUnit, category_id: CategoryId,
                           subcategory_id: SubcategoryId) -> Response:
    """Delete a subcategory no ticket has (409 with the count otherwise)."""
    delete_subcategory(unit, category_id, subcategory_id)
    return no_content()
