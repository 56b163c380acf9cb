"""Managing custom field definitions from the settings screens.

Ticket values are stored keyed by the field's id, so:

- a label change renames the wire key (``cf_<old>`` becomes ``cf_<new>``) on
  every ticket at once and keeps the values;
- the type cannot change while any ticket has a value (409 with the count);
- a dropdown or multi-select choice that tickets use cannot be removed or
  renamed (409 with the count); new choices can be added at any time;
- a field with values on any ticket cannot be deleted (409 with the count).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from supportdesk.catalog.service import get_or_404, in_use
from supportdesk.customfields.models import CustomField
from supportdesk.customfields.schemas import FieldCreate, FieldUpdate
from supportdesk.customfields.service import create_field
from supportdesk.errors import BadRequest, Conflict
from supportdesk.tenancy.service import bump_catalog_version
from supportdesk.tickets.models import Ticket
from supportdesk.unit import TenantUnit

CHOICE_TYPES = ("dropdown", "multi-select")


def list_fields(unit: TenantUnit) -> list[CustomField]:
    """The tenant's custom fields in display order."""
    return list(unit.session.scalars(select(CustomField).order_by(CustomField.position,
                                                                  CustomField.id)))


def get_field(unit: TenantUnit, field_id: int) -> CustomField:
    """One custom field; 404 if the tenant has none with this id."""
    return get_or_404(unit.session, CustomField, field_id, "custom field")


def add_field(unit: TenantUnit, data: FieldCreate) -> CustomField:
    """Define a custom field and commit."""
    field = create_field(unit.session, label=data.label, field_type=data.field_type,
                         choices=data.choices)
    unit.commit()
    return field


def _values(unit: TenantUnit, field_id: int) -> list[Any]:
    """The values tickets hold in one field (tickets without one are skipped)."""
    value = Ticket.custom_fields[str(field_id)]
    return [row[str(field_id)] for row in unit.session.scalars(
        select(Ticket.custom_fields).where(value.as_string().is_not(None)))]


def _count_values(unit: TenantUnit, field_id: int) -> int:
    value = Ticket.custom_fields[str(field_id)]
    return unit.session.scalar(select(func.count()).select_from(Ticket)
                               .where(value.as_string().is_not(None))) or 0


def _clean_choices(choices: list[str]) -> list[str]:
    options = [c.strip() for c in choices if c.strip()]
    if len({c.casefold() for c in options}) != len(options):
        raise BadRequest("choices: custom field choices must be distinct")
    return options


def update_field(unit: TenantUnit, field_id: int, changes: FieldUpdate) -> CustomField:
    """Relabel, retype, change the choices of or reorder a custom field and commit."""
    field = get_field(unit, field_id)
    if changes.label is not None:
        label = changes.label.strip()
        if not label:
            raise BadRequest("label: custom field label must not be empty")
        taken = unit.session.scalar(
            select(func.count()).select_from(CustomField)
            .where(func.lower(CustomField.label) == label.lower(), CustomField.id != field_id))
        if taken:
            raise Conflict(f"a custom field labelled {label!r} already exists")
        field.label = label
    if changes.field_type is not None and changes.field_type != field.field_type:
        count = _count_values(unit, field_id)
        if count:
            raise in_use("custom field", field.label, count,
                         "its type cannot change while tickets have values in it")
        field.field_type = changes.field_type
        if changes.field_type not in CHOICE_TYPES and changes.choices is None:
            field.choices = []
    if changes.choices is not None:
        _change_choices(unit, field, _clean_choices(changes.choices))
    if field.field_type in CHOICE_TYPES and not field.choices:
        raise BadRequest(f"choices: a {field.field_type} field needs at least one choice")
    if changes.position is not None:
        field.position = changes.position
    bump_catalog_version(unit.session, unit.tenant_id)
    unit.commit()
    return field


def _change_choices(unit: TenantUnit, field: CustomField, choices: list[str]) -> None:
    if field.field_type not in CHOICE_TYPES:
        if choices:
            raise BadRequest(f"choices: a {field.field_type} field has no choices; only "
                             "dropdown and multi-select fields do")
        field.choices = []
        return
    kept = set(choices)
    removed = [str(c) for c in field.choices if str(c) not in kept]
    if removed:
        used: dict[str, int] = {}
        for value in _values(unit, field.id):
            for item in value if isinstance(value, list) else [value]:
                if item in removed:
                    used[item] = used.get(item, 0) + 1
        for choice in removed:
            if used.get(choice):
                raise in_use(f"choice {choice!r} of custom field", field.label, used[choice],
                             "change those tickets first")
    field.choices = choices


def delete_field(unit: TenantUnit, field_id: int) -> None:
    """Remove a custom field no ticket has a value in (409 with the count otherwise)."""
    field = get_field(unit, field_id)
    count = _count_values(unit, field_id)
    if count:
        raise in_use("custom field", field.label, count, "clear their values first")
    unit.session.delete(field)
    bump_catalog_version(unit.session, unit.tenant_id)
    unit.commit()
