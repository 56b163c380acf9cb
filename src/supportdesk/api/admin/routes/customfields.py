"""Admin API: Custom fields.

A label change renames the wire key ``cf_<label>`` on every ticket (values
are kept, they are stored by field id); see ``customfields.definitions``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path

from supportdesk.api.admin.crud import CrudRoutes, int_id
from supportdesk.api.admin.settings_docs import ID_PATH
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


fields = CrudRoutes(router, path="/custom_fields", key="custom_fields",
                    item_id=int_id("field_id", FieldId), record=field_record,
                    example=FIELD_EXAMPLE)
fields.add_list(list_fields, operation_id="AdminListCustomFields",
                summary="List custom fields", description="Every custom ticket field.",
                returns="All custom fields in display order")
fields.add_create(add_field, FieldCreate, operation_id="AdminCreateCustomField",
                  summary="Add a custom field",
                  description="Add a field; dropdown and multi-select fields need choices.",
                  returns="The new custom field")
fields.add_read(get_field, operation_id="AdminGetCustomField", summary="Get a custom field",
                description="One custom field by id.", returns="The custom field")
fields.add_update(update_field, FieldUpdate, operation_id="AdminUpdateCustomField",
                  summary="Change a custom field",
                  description="Relabel (renames cf_ key), retype (only without values), "
                  "change choices, reorder.",
                  returns="The custom field after the change")
fields.add_delete(delete_field, operation_id="AdminDeleteCustomField",
                  summary="Delete a custom field",
                  description="Delete a field no ticket has a value in (409 with the count "
                  "otherwise).")
