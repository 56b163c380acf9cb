"""Defining custom fields and checking the values tickets carry in them."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from supportdesk.catalog.snapshot import Catalog, FieldDef
from supportdesk.customfields.models import FIELD_TYPES, CustomField
from supportdesk.db.scoping import current_tenant
from supportdesk.db.sequences import next_id
from supportdesk.errors import BadRequest, Conflict
from supportdesk.tenancy.service import bump_catalog_version

MAX_TEXT = 255
MAX_PARAGRAPH = 65_535


def create_field(
    session: Session, *, label: str, field_type: str, choices: list[str] | None = None
) -> CustomField:
    """Add a custom ticket field; dropdowns and multi-selects need choices."""
    label = label.strip()
    if not label:
        raise BadRequest("custom field label must not be empty")
    if field_type not in FIELD_TYPES:
        raise BadRequest(f"custom field type must be one of {', '.join(FIELD_TYPES)}")
    options = [c.strip() for c in (choices or []) if c.strip()]
    if field_type in {"dropdown", "multi-select"} and not options:
        raise BadRequest(f"a {field_type} field needs at least one choice")
    if field_type not in {"dropdown", "multi-select"} and options:
        raise BadRequest(f"a {field_type} field has no choices; only dropdown and "
                         "multi-select fields do")
    if len({c.casefold() for c in options}) != len(options):
        raise BadRequest("custom field choices must be distinct")
    exists = session.scalar(select(func.count()).select_from(CustomField)
                            .where(func.lower(CustomField.label) == label.lower()))
    if exists:
        raise Conflict(f"a custom field labelled {label!r} already exists")
    count = session.scalar(select(func.count()).select_from(CustomField)) or 0
    field = CustomField(id=next_id(session, "custom_fields"), label=label, field_type=field_type,
                        choices=options, position=count)
    session.add(field)
    bump_catalog_version(session, current_tenant(session))
    session.flush()
    return field


def validate_values(catalog: Catalog, values: object, *, prefix: str = "cf_") -> dict[str, Any]:
    """Check values keyed ``<prefix><Label>`` and key them by field id.

    v3 clients prefix labels with ``cf_``; legacy v1/v2 clients send the bare
    label (``prefix=""``). A null or empty value clears the field. Unknown
    keys and values of the wrong shape are a 400 naming the key.
    """
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise BadRequest(f'custom_fields must be an object of "{prefix}<Label>": value pairs')
    by_key = {prefix + f.label: f for f in catalog.custom_fields}
    result: dict[str, Any] = {}
    for key, raw in values.items():
        field = by_key.get(key)
        if field is None:
            known = ", ".join(by_key) or "none are defined"
            raise BadRequest(f"custom_fields: unknown field {key!r} (known fields: {known})")
        result[str(field.id)] = coerce_value(field, raw)
    return result


def coerce_value(field: FieldDef, raw: object) -> Any:
    """One value, checked against its field's type; None means unset."""
    key = field.wire_key
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    kind = field.field_type
    if kind in {"text", "paragraph"}:
        if not isinstance(raw, str | int | float) or isinstance(raw, bool):
            raise BadRequest(f"custom_fields: {key!r} must be a string")
        text = str(raw).strip()
        limit = MAX_TEXT if kind == "text" else MAX_PARAGRAPH
        if len(text) > limit:
            raise BadRequest(f"custom_fields: {key!r} is longer than {limit} characters")
        return text
    if kind == "number":
        return _integer(key, raw)
    if kind == "decimal":
        return _decimal(key, raw)
    if kind == "date":
        return _date(key, raw)
    if kind == "checkbox":
        if isinstance(raw, bool):
            return raw
        if raw in (0, 1, "0", "1", "true", "false"):
            return raw in (1, "1", "true")
        raise BadRequest(f"custom_fields: {key!r} must be true or false")
    if kind == "dropdown":
        return _choice(field, raw)
    if kind == "multi-select":
        items = raw.split(",") if isinstance(raw, str) else raw
        if not isinstance(items, list):
            raise BadRequest(f"custom_fields: {key!r} must be a list of choices")
        chosen: list[str] = []
        for item in items:
            value = _choice(field, item.strip() if isinstance(item, str) else item)
            if value not in chosen:
                chosen.append(value)
        return chosen or None
    raise BadRequest(f"custom_fields: {key!r} has an unsupported type {kind!r}")


def _date(key: str, raw: object) -> str:
    if isinstance(raw, str) and len(raw.strip()) == 10:
        try:
            return date.fromisoformat(raw.strip()).isoformat()
        except ValueError:
            pass
    raise BadRequest(f"custom_fields: {key!r} must be a date as 'YYYY-MM-DD'")


def _integer(key: str, raw: object) -> int:
    if isinstance(raw, bool):
        raise BadRequest(f"custom_fields: {key!r} must be a whole number")
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        value = int(raw.strip())
    else:
        raise BadRequest(f"custom_fields: {key!r} must be a whole number")
    if abs(value) > 2**53:
        raise BadRequest(f"custom_fields: {key!r} is out of range")
    return value


def _decimal(key: str, raw: object) -> float:
    if isinstance(raw, bool):
        raise BadRequest(f"custom_fields: {key!r} must be a number")
    try:
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise BadRequest(f"custom_fields: {key!r} must be a number") from None
    if not math.isfinite(value):
        raise BadRequest(f"custom_fields: {key!r} must be a finite number")
    return value


def _choice(field: FieldDef, raw: object) -> str:
    if not isinstance(raw, str):
        raise BadRequest(f"custom_fields: {field.wire_key!r} must be one of its choices")
    for choice in field.choices:
        if choice.casefold() == raw.strip().casefold():
            return choice
    raise BadRequest(
        f"custom_fields: {raw!r} is not a choice of {field.wire_key!r} "
        f"(choices: {', '.join(field.choices)})"
    )
