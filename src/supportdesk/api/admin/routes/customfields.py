"""Admin API: Custom fields.

A label change renames the wire key ``cf_<label>`` on every ticket (values
are kept, they are stored by field id); see ``customfields.definitions``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from starlette.responses import Response

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
from supportdesk.customfields.definitions import (
    add_field,
    delete_field,
    get_field,
    list_fields,
    update_field,
)
from supportdesk.customfields.models import CustomField
from supportdesk.customfields.schemas import FieldCreate, FieldUpdate

router = APIRouter(tags=["Admin: Custom fields"])

FieldId = Annotated[int, Path(**ID_PATH, description="The custom field's id.")]

FIELD_EXAMPLE: dict[str, Any] = {
    "id": 1, "label": "Department", "key": "cf_Department", "field_type": "dropdown",
    "choices": ["Sales", "Support", "Billing"], "position": 0,
}


def field_record(field: CustomField) -> dict[str, Any]:
    """A custom field; ``key`` is the name tickets carry it under on the wire."""
    return {"id": field.id, "label": field.label, "key": "cf_" + field.label,
            "field_type": field.field_type, "choices": [str(c) for c in field.choices],
            "position": field.position}


@router.get("/custom_fields", operation_id="AdminListCustomFields",
            summary="List custom fields",
            responses=read_ok(listing("custom_fields", FIELD_EXAMPLE), "All custom fields in "
                              "display order"))
def get_fields(unit: AdminReadUnit) -> Response:
    """Every custom ticket field."""
    fields = list_fields(unit)
    return json_response({"count": len(fields),
                          "custom_fields": [field_record(f) for f in fields]})


@router.post("/custom_fields", operation_id="AdminCreateCustomField",
             summary="Add a custom field", status_code=201,
             responses=write_ok(FIELD_EXAMPLE, "The new custom field", 201))
def post_field(unit: AdminWriteUnit, body: FieldCreate) -> Response:
    """Add a field; dropdown and multi-select fields need choices."""
    return json_response(field_record(add_field(unit, body)), 201)


@router.get("/custom_fields/{field_id}", operation_id="AdminGetCustomField",
            summary="Get a custom field", responses=read_ok(FIELD_EXAMPLE, "The custom field"))
def get_one_field(unit: AdminReadUnit, field_id: FieldId) -> Response:
    """One custom field by id."""
    return json_response(field_record(get_field(unit, field_id)))


@router.patch("/custom_fields/{field_id}", operation_id="AdminUpdateCustomField",
              summary="Change a custom field",
              responses=write_ok(FIELD_EXAMPLE, "The custom field after the change"))
def patch_field(unit: AdminWriteUnit, field_id: FieldId, body: FieldUpdate) -> Response:
    """Relabel (renames cf_ key), retype (only without values), change choices, reorder."""
    return json_response(field_record(update_field(unit, field_id, body)))


@router.delete("/custom_fields/{field_id}", operation_id="AdminDeleteCustomField",
               summary="Delete a custom field", status_code=204, responses=NO_CONTENT)
def delete_one_field(unit: AdminWriteUnit, field_id: FieldId) -> Response:
    """Delete a field no ticket has a value in (409 with the count otherwise)."""
    delete_field(unit, field_id)
    return no_content()
