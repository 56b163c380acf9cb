"""``kb/folder``: knowledge base folders, addressed by ``category_name`` + ``folder_name``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from supportdesk.api.deps import ReadUnit, WriteUnit
from supportdesk.api.v3 import params
from supportdesk.api.v3.docs import READ_ERRORS, WRITE_ERRORS
from supportdesk.api.v3.kb_wire import FOLDER_DELETED, FOLDER_EXAMPLE, folder_body
from supportdesk.api.v3.wire import json_response
from supportdesk.kb.folders import create_folder, delete_folder, get_folder, update_folder
from supportdesk.kb.schemas import FolderCreate, FolderUpdate

router = APIRouter(tags=["08. KB Folders"])

CategoryName = Annotated[str | None, Query(description="Category name")]
FolderName = Annotated[str | None, Query(description="Folder name")]
_SHAPE = ("In the response, as in Desk365, category_name is the folder's own name and "
          "parent_category_name is its category.")


def _ok(description: str, example: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": description,
                  "content": {"application/json": {"example": example}}}}


@router.post(
    "/kb/folder/create",
    operation_id="CreateKBFolder",
    summary="Add a KB Folder",
    description=_SHAPE,
    responses={**_ok("Successfully created KB folder", FOLDER_EXAMPLE), **WRITE_ERRORS},
)
def post_kb_folder(unit: WriteUnit, body: FolderCreate) -> Response:
    """Create a folder in a category."""
    return json_response(folder_body(create_folder(unit, data=body)))


@router.get(
    "/kb/folder/details",
    operation_id="GetFolderDetails",
    summary="Get Folder Details",
    description="Get folder details for a given category and folder name. " + _SHAPE,
    responses={**_ok("Successfully retrieved folder details", FOLDER_EXAMPLE), **READ_ERRORS},
)
def get_kb_folder(unit: ReadUnit, category_name: CategoryName = None,
                  folder_name: FolderName = None) -> Response:
    """The folder with this name in the category."""
    category = params.required_text(category_name, "category_name")
    folder = params.required_text(folder_name, "folder_name")
    return json_response(folder_body(get_folder(unit, category_name=category,
                                                folder_name=folder)))


@router.put(
    "/kb/folder/update",
    operation_id="UpdateKBFolder",
    summary="Update a KB Folder",
    description="Folder properties that are not part of the request body will not be "
    "changed; a new category_name moves the folder, with its articles. " + _SHAPE,
    responses={**_ok("Successfully updated KB folder", FOLDER_EXAMPLE), **WRITE_ERRORS},
)
def put_kb_folder(unit: WriteUnit, body: FolderUpdate, category_name: CategoryName = None,
                  folder_name: FolderName = None) -> Response:
    """Rename the folder or move it to another category."""
    category = params.required_text(category_name, "category_name")
    folder = params.required_text(folder_name, "folder_name")
    return json_response(folder_body(update_folder(unit, category_name=category,
                                                   folder_name=folder, changes=body)))


@router.delete(
    "/kb/folder/delete",
    operation_id="DeleteKBFolder",
    summary="Delete KB Folder",
    description="Delete KB Folder with the given category and folder name. A folder that "
    "still has articles is not deleted (409).",
    responses={**_ok("Successfully deleted folder", FOLDER_DELETED), **WRITE_ERRORS},
)
def delete_kb_folder(unit: WriteUnit, category_name: CategoryName = None,
                     folder_name: FolderName = None) -> Response:
    """Delete an empty folder."""
    category = params.required_text(category_name, "category_name")
    folder = params.required_text(folder_name, "folder_name")
    delete_folder(unit, category_name=category, folder_name=folder)
    return json_response(FOLDER_DELETED)
