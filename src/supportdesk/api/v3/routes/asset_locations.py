"""Asset management locations: list, details, create and update, addressed by name."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query
from starlette.responses import Response

from supportdesk.api.deps import ReadUnit, WriteUnit
from supportdesk.api.v3 import params
from supportdesk.api.v3.assets_wire import (
    CREATE_LOCATION_EXAMPLE,
    LOCATION_EXAMPLE,
    LOCATION_LIST_EXAMPLE,
    location_body,
    location_list_body,
)
from supportdesk.api.v3.docs import READ_ERRORS, WRITE_ERRORS
from supportdesk.api.v3.wire import json_response
from supportdesk.assets.schemas import LocationCreate, LocationUpdate
from supportdesk.assets.service import (
    create_location,
    get_location,
    list_locations,
    update_location,
)

router = APIRouter(tags=["13. Asset Locations"])


def _ok(status: int, description: str, example: dict[str, Any]) \
        -> dict[int | str, dict[str, Any]]:
    return {status: {"description": description,
                     "content": {"application/json": {"example": example}}}}


@router.get(
    "/asset_mgmt/locations",
    operation_id="GetAssetLocations",
    summary="List all asset locations",
    description="Locations by name, A to Z (case-insensitive), in pages of 30. `total` is "
    "the number of locations on all pages.",
    responses={**_ok(200, "One page of 30 locations and the total", LOCATION_LIST_EXAMPLE),
               **READ_ERRORS},
)
def get_asset_locations(
    unit: ReadUnit,
    offset: Annotated[str | None, Query(description="Skip this many locations; pages hold "
                                        "30.")] = None,
) -> Response:
    """One page of the helpdesk's asset locations."""
    page = list_locations(unit, offset=params.offset(offset))
    return json_response(location_list_body(page))


@router.get(
    "/asset_mgmt/locations/details",
    operation_id="GetAssetLocationDetails",
    summary="Get asset location details",
    responses={**_ok(200, "The location", LOCATION_EXAMPLE), **READ_ERRORS},
)
def get_asset_location_details(
    unit: ReadUnit,
    location_name: Annotated[str | None, Query(description="The name of the location "
                                               "(case-insensitive).")] = None,
) -> Response:
    """The location with this name."""
    return json_response(location_body(get_location(unit, name=location_name or "")))


@router.post(
    "/asset_mgmt/locations/create",
    operation_id="CreateAssetLocation",
    summary="Create an asset location",
    description="Only `location_name` is required. A name already used by another "
    "location (compared without regard to case) is 409.",
    status_code=201,
    responses={**_ok(201, "The new location", LOCATION_EXAMPLE), **WRITE_ERRORS},
)
def post_asset_location(
    unit: WriteUnit,
    body: Annotated[LocationCreate, Body(openapi_examples={
        "minimal": {"summary": "Only a name", "value": {"location_name": "Warehouse"}},
        "full": {"summary": "Every field", "value": CREATE_LOCATION_EXAMPLE},
    })],
) -> Response:
    """Create a location (201)."""
    return json_response(location_body(create_location(unit, data=body)), status_code=201)


@router.put(
    "/asset_mgmt/locations/update",
    operation_id="UpdateAssetLocation",
    summary="Update an asset location",
    description="Only the fields sent change; an empty string or null clears a field. "
    "`location_name` renames the location (409 if another location has that name); "
    "`parent_location` moves it (400 if the new parent lies inside it).",
    responses={**_ok(200, "The location after the change", LOCATION_EXAMPLE),
               **WRITE_ERRORS},
)
def put_asset_location(
    unit: WriteUnit,
    body: Annotated[LocationUpdate, Body(openapi_examples={
        "rename": {"summary": "Rename", "value": {"location_name": "HQ - Floor 3"}},
        "move": {"summary": "Move to another parent",
                 "value": {"parent_location": "Head Office"}},
    })],
    location_name: Annotated[str | None, Query(description="The current name of the "
                                               "location.")] = None,
) -> Response:
    """Change only the fields sent."""
    return json_response(location_body(update_location(unit, name=location_name or "",
                                                       changes=body)))
