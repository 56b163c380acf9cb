"""Asset locations: listing, finding, creating and changing the places assets are kept.

A location is addressed by its name, which is unique in a helpdesk without
regard to case. Locations nest (a floor inside a building); a location can
never end up inside itself.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from supportdesk.assets.models import AssetLocation
from supportdesk.assets.schemas import (
    OPTIONAL_TEXT,
    LocationCreate,
    LocationPage,
    LocationRead,
    LocationUpdate,
)
from supportdesk.db.sequences import next_id
from supportdesk.errors import BadRequest, Conflict, NotFound
from supportdesk.text import blank_to_none, normalize_email
from supportdesk.unit import TenantUnit

PAGE_SIZE = 30


def name_key(name: str) -> str:
    """The form of a location name that uniqueness and lookups compare."""
    return name.strip().casefold()


def find_location(unit: TenantUnit, name: str) -> AssetLocation | None:
    """The location called ``name`` (case-insensitive), or None."""
    key = name_key(name)
    if not key:
        return None
    return unit.session.scalars(
        select(AssetLocation).where(AssetLocation.name_key == key)
    ).first()


def list_locations(unit: TenantUnit, *, offset: int = 0, limit: int = PAGE_SIZE) -> LocationPage:
    """One page of the helpdesk's asset locations by name, A to Z, with the total count."""
    total = unit.session.scalar(select(func.count()).select_from(AssetLocation)) or 0
    locations = list(unit.session.scalars(
        select(AssetLocation)
        .order_by(AssetLocation.name_key, AssetLocation.id)
        .offset(offset)
        .limit(limit)
    ))
    parents = _names_of(unit, {loc.parent_id for loc in locations if loc.parent_id is not None})
    return LocationPage(total=total, items=[_read(loc, parents) for loc in locations])


def get_location(unit: TenantUnit, *, name: str) -> LocationRead:
    """The location called ``name``; 404 naming it if there is none."""
    location = _require(unit, name)
    return _read(location, _names_of(unit, _parent_ids(location)))


def create_location(unit: TenantUnit, *, data: LocationCreate) -> LocationRead:
    """Add a place where assets are kept, optionally inside another location."""
    name = _location_name(data.location_name)
    if find_location(unit, name) is not None:
        raise Conflict(f"a location named {name!r} already exists")
    now = unit.clock.now()
    location = AssetLocation(
        id=next_id(unit.session, "asset_locations"),
        name=name,
        name_key=name_key(name),
        parent_id=_parent_id(unit, data.parent_location, moving=None),
        contact_email=_email(data.contact_email),
        created_at=now,
        updated_at=now,
        **{attribute: blank_to_none(getattr(data, attribute)) for attribute in OPTIONAL_TEXT},
    )
    unit.session.add(location)
    _flush(unit, name)
    unit.commit()
    return _read(location, _names_of(unit, _parent_ids(location)))


def update_location(unit: TenantUnit, *, name: str, changes: LocationUpdate) -> LocationRead:
    """Change the fields present in ``changes``; a rename must not collide with another
    location, and a new parent must not lie inside this location."""
    location = _require(unit, name)
    present = changes.model_fields_set
    if "location_name" in present:
        new_name = _location_name(changes.location_name)
        other = find_location(unit, new_name)
        if other is not None and other.id != location.id:
            raise Conflict(f"a location named {new_name!r} already exists")
        location.name = new_name
        location.name_key = name_key(new_name)
    for attribute in OPTIONAL_TEXT:
        if attribute in present:
            setattr(location, attribute, blank_to_none(getattr(changes, attribute)))
    if "contact_email" in present:
        location.contact_email = _email(changes.contact_email)
    if "parent_location" in present:
        location.parent_id = _parent_id(unit, changes.parent_location, moving=location)
    location.updated_at = unit.clock.now()
    _flush(unit, location.name)
    unit.commit()
    return _read(location, _names_of(unit, _parent_ids(location)))


def _require(unit: TenantUnit, name: str) -> AssetLocation:
    if "\x00" in name:
        raise BadRequest("location_name must not contain NUL characters")
    if not name.strip():
        raise BadRequest("location_name is required")
    location = find_location(unit, name)
    if location is None:
        raise NotFound(f"no location named {name.strip()!r} exists")
    return location


def _location_name(value: str | None) -> str:
    name = blank_to_none(value)
    if name is None:
        raise BadRequest("location_name is required and must not be empty")
    return name


def _email(value: str | None) -> str | None:
    text = blank_to_none(value)
    return normalize_email(text, field="contact_email") if text is not None else None


def _parent_id(unit: TenantUnit, value: str | None, *, moving: AssetLocation | None) -> int | None:
    """The id of the location named ``value`` (None clears the parent).

    When ``moving`` an existing location, the new parent must not be the
    location itself or lie anywhere inside it.
    """
    name = blank_to_none(value)
    if name is None:
        return None
    parent = find_location(unit, name)
    if parent is None:
        raise BadRequest(f"parent_location: no location named {name!r} exists")
    if moving is not None:
        ancestor: AssetLocation | None = parent
        seen: set[int] = set()
        while ancestor is not None and ancestor.id not in seen:
            seen.add(ancestor.id)
            if ancestor.id == moving.id:
                raise BadRequest(
                    f"parent_location: {parent.name!r} is {moving.name!r} itself or lies "
                    "inside it; a location cannot be placed inside itself")
            ancestor = (unit.session.get(AssetLocation, (unit.tenant_id, ancestor.parent_id))
                        if ancestor.parent_id is not None else None)
    return parent.id


def _flush(unit: TenantUnit, name: str) -> None:
    # Two requests racing past the name check meet the unique index here.
    try:
        unit.session.flush()
    except IntegrityError:
        unit.session.rollback()
        raise Conflict(f"a location named {name!r} already exists") from None


def _parent_ids(location: AssetLocation) -> set[int]:
    return {location.parent_id} if location.parent_id is not None else set()


def _names_of(unit: TenantUnit, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = unit.session.execute(
        select(AssetLocation.id, AssetLocation.name).where(AssetLocation.id.in_(sorted(ids))))
    return dict(rows.all())


def _read(location: AssetLocation, parents: dict[int, str]) -> LocationRead:
    return LocationRead(
        location_name=location.name,
        description=location.description,
        parent_location=(parents.get(location.parent_id)
                         if location.parent_id is not None else None),
        address_line_1=location.address_line_1,
        address_line_2=location.address_line_2,
        city=location.city,
        state=location.state,
        country=location.country,
        zipcode=location.zipcode,
        contact_person=location.contact_person,
        contact_email=location.contact_email,
        phone=location.phone,
        created_at=location.created_at,
        updated_at=location.updated_at,
    )
