"""Defining statuses, types, groups and categories for a tenant.

Tickets refer to these definitions by id and the wire shows their names,
so a rename shows on every ticket at once. A definition tickets still use
cannot be deleted (409 saying how many use it): move the tickets first.
Every change bumps the tenant's ``catalog_version`` in the same transaction
so every API worker reloads its cached catalog.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from supportdesk.agents.models import Group
from supportdesk.catalog.models import STATUS_CATEGORIES, Category, Status, Subcategory, TicketType
from supportdesk.catalog.schemas import CategoryCreate, NamedCreate, NamedUpdate
from supportdesk.db.base import Base
from supportdesk.db.scoping import current_tenant
from supportdesk.db.sequences import next_id
from supportdesk.errors import BadRequest, Conflict, NotFound
from supportdesk.tenancy.service import bump_catalog_version
from supportdesk.tickets.models import Ticket
from supportdesk.unit import TenantUnit

Model = TypeVar("Model", bound=Base)


def require_name(name: str, what: str) -> str:
    """A trimmed, non-empty definition name; ``--`` is reserved for "unset" in filters."""
    name = name.strip()
    if not name:
        raise BadRequest(f"{what} name must not be empty")
    if name == "--":
        raise BadRequest(f"{what} name '--' is reserved: it means 'unset' in filters")
    return name


def ensure_unique(session: Session, model: type[Status] | type[TicketType] | type[Category]
                  | type[Group], name: str, what: str, *, exclude_id: int | None = None) -> None:
    """409 if another definition of this kind already has ``name`` (any case)."""
    query = select(func.count()).select_from(model).where(
        func.lower(model.name) == name.lower())
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    if session.scalar(query):
        raise Conflict(f"a {what} named {name!r} already exists")


def get_or_404(session: Session, model: type[Model], record_id: int, what: str) -> Model:
    """The tenant's record with this id, or a 404 naming it."""
    record = session.get(model, (current_tenant(session), record_id))
    if record is None:
        raise NotFound(f"no {what} with id {record_id}")
    return record


def tickets_using(session: Session, column: InstrumentedAttribute[Any], record_id: int) -> int:
    """How many tickets refer to a definition through ``column``."""
    return session.scalar(select(func.count()).select_from(Ticket)
                          .where(column == record_id)) or 0


def in_use(what: str, name: str, count: int, remedy: str) -> Conflict:
    """The 409 for deleting or changing a definition tickets still use."""
    tickets = "1 ticket" if count == 1 else f"{count} tickets"
    return Conflict(f"{what} {name!r} is used by {tickets}; {remedy}")


def _next_position(session: Session, model: type[Base]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def create_status(
    session: Session, *, name: str, category: str, is_default: bool = False
) -> Status:
    """Add a status; ``category`` (open, pending, resolved, closed) drives the engine.

    The first status, or one made the default, becomes the status new tickets
    start in; the previous default stops being one.
    """
    name = require_name(name, "status")
    if category not in STATUS_CATEGORIES:
        raise BadRequest(f"status category must be one of {', '.join(STATUS_CATEGORIES)}")
    ensure_unique(session, Status, name, "status")
    count = _next_position(session, Status)
    is_default = is_default or count == 0
    if is_default and category != "open":
        raise BadRequest("the default status must be in category open: new tickets start "
                         "in it")
    if is_default:
        for other in session.scalars(select(Status).where(Status.is_default.is_(True))):
            other.is_default = False
    status = Status(id=next_id(session, "statuses"), name=name, category=category,
                    position=count, is_default=is_default)
    session.add(status)
    bump_catalog_version(session, current_tenant(session))
    session.flush()
    return status


def create_type(session: Session, *, name: str) -> TicketType:
    """Add a ticket type."""
    name = require_name(name, "type")
    ensure_unique(session, TicketType, name, "type")
    ticket_type = TicketType(id=next_id(session, "ticket_types"), name=name,
                             position=_next_position(session, TicketType))
    session.add(ticket_type)
    bump_catalog_version(session, current_tenant(session))
    session.flush()
    return ticket_type


def create_group(session: Session, *, name: str) -> Group:
    """Add an agent group."""
    name = require_name(name, "group")
    ensure_unique(session, Group, name, "group")
    group = Group(id=next_id(session, "groups"), name=name,
                  position=_next_position(session, Group))
    session.add(group)
    bump_catalog_version(session, current_tenant(session))
    session.flush()
    return group


def create_category(
    session: Session, *, name: str, subcategories: list[str] | None = None
) -> Category:
    """Add a category with its subcategories."""
    name = require_name(name, "category")
    ensure_unique(session, Category, name, "category")
    category = Category(id=next_id(session, "categories"), name=name,
                        position=_next_position(session, Category))
    session.add(category)
    session.flush()
    seen: set[str] = set()
    for position, raw_name in enumerate(subcategories or []):
        sub_name = require_name(raw_name, "subcategory")
        if sub_name.casefold() in seen:
            raise Conflict(f"subcategory {sub_name!r} is listed twice")
        seen.add(sub_name.casefold())
        session.add(Subcategory(id=next_id(session, "subcategories"), category_id=category.id,
                                name=sub_name, position=position))
    bump_catalog_version(session, current_tenant(session))
    session.flush()
    return category


# --- ticket types -------------------------------------------------------------


def list_types(unit: TenantUnit) -> list[TicketType]:
    """The tenant's ticket types in display order."""
    return list(unit.session.scalars(select(TicketType).order_by(TicketType.position,
                                                                 TicketType.id)))


def get_type(unit: TenantUnit, type_id: int) -> TicketType:
    """One ticket type; 404 if the tenant has none with this id."""
    return get_or_404(unit.session, TicketType, type_id, "ticket type")


def add_type(unit: TenantUnit, data: NamedCreate) -> TicketType:
    """Define a ticket type and commit."""
    ticket_type = create_type(unit.session, name=data.name)
    unit.commit()
    return ticket_type


def update_type(unit: TenantUnit, type_id: int, changes: NamedUpdate) -> TicketType:
    """Rename or reorder a ticket type; tickets show the new name at once."""
    ticket_type = get_type(unit, type_id)
    if changes.name is not None:
        name = require_name(changes.name, "type")
        ensure_unique(unit.session, TicketType, name, "type", exclude_id=type_id)
        ticket_type.name = name
    if changes.position is not None:
        ticket_type.position = changes.position
    bump_catalog_version(unit.session, unit.tenant_id)
    unit.commit()
    return ticket_type


def delete_type(unit: TenantUnit, type_id: int) -> None:
    """Remove a ticket type no ticket uses (409 with the count otherwise)."""
    ticket_type = get_type(unit, type_id)
    count = tickets_using(unit.session, Ticket.type_id, type_id)
    if count:
        raise in_use("ticket type", ticket_type.name, count,
                     "change their type first")
    unit.session.delete(ticket_type)
    bump_catalog_version(unit.session, unit.tenant_id)
    unit.commit()


# --- categories and subcategories ----------------------------------------------


def list_categories(unit: TenantUnit) -> list[Category]:
    """The tenant's categories in display order."""
    return list(unit.session.scalars(select(Category).order_by(Category.position,
                                                               Category.id)))


def subcategories_by_category(unit: TenantUnit) -> dict[int, list[Subcategory]]:
    """Every subcategory, grouped by category id, in display order."""
    grouped: dict[int, list[Subcategory]] = {}
    for sub in unit.session.scalars(select(Subcategory).order_by(Subcategory.position,
                                                                 Subcategory.id)):
        grouped.setdefault(sub.category_id, []).append(sub)
    return grouped


def get_category(unit: TenantUnit, category_id: int) -> Category:
    """One category; 404 if the tenant has none with this id."""
    return get_or_404(unit.session, Category, category_id, "category")


def add_category(unit: TenantUnit, data: CategoryCreate) -> Category:
    """Define a category with its subcategories and commit."""
    category = create_category(unit.session, name=data.name, subcategories=data.subcategories)
    unit.commit()
    return category


def update_category(unit: TenantUnit, category_id: int, changes: NamedUpdate) -> Category:
    """Rename or reorder a category; tickets show the new name at once."""
    category = get_category(unit, category_id)
    if changes.name is not None:
        name = require_name(changes.name, "category")
        ensure_unique(unit.session, Category, name, "category", exclude_id=category_id)
        category.name = name
    if changes.position is not None:
        category.position = changes.position
    bump_catalog_version(unit.session, unit.tenant_id)
    unit.commit()
    return category


def delete_category(unit: TenantUnit, category_id: int) -> None:
    """Remove a category and its subcategories when no ticket uses it."""
    category = get_category(unit, category_id)
    count = tickets_using(unit.session, Ticket.category_id, category_id)
    if count:
        raise in_use("category", category.name, count, "change their category first")
    for sub in unit.session.scalars(select(Subcategory)
                                    .where(Subcategory.category_id == category_id)):
        unit.session.delete(sub)
    unit.session.flush()
    unit.session.delete(category)
    bump_catalog_version(unit.session, unit.tenant_id)
    unit.commit()


def list_subcategories(unit: TenantUnit, category_id: int) -> list[Subcategory]:
    """A category's subcategories in display order (404 for an unknown category)."""
    get_category(unit, category_id)
    return subcategories_by_category(unit).get(category_id, [])


def get_subcategory(unit: TenantUnit, category_id: int, subcategory_id: int) -> Subcategory:
    """One subcategory of one category; 404 if either is unknown or they do not match."""
    get_category(unit, category_id)
    sub = unit.session.get(Subcategory, (unit.tenant_id, subcategory_id))
    if sub is None or sub.category_id != category_id:
        raise NotFound(f"no subcategory with id {subcategory_id} in category {category_id}")
    return sub


def _ensure_unique_sub(unit: TenantUnit, category_id: int, name: str,
                       exclude_id: int | None = None) -> None:
    query = select(func.count()).select_from(Subcategory).where(
        Subcategory.category_id == category_id, func.lower(Subcategory.name) == name.lower())
    if exclude_id is not None:
        query = query.where(Subcategory.id != exclude_id)
    if unit.session.scalar(query):
        raise Conflict(f"category {category_id} already has a subcategory named {name!r}")


def add_subcategory(unit: TenantUnit, category_id: int, data: NamedCreate) -> Subcategory:
    """Add a subcategory at the end of a category's list and commit."""
    get_category(unit, category_id)
    name = require_name(data.name, "subcategory")
    _ensure_unique_sub(unit, category_id, name)
    position = unit.session.scalar(select(func.count()).select_from(Subcategory)
                                   .where(Subcategory.category_id == category_id)) or 0
    sub = Subcategory(id=next_id(unit.session, "subcategories"), category_id=category_id,
                      name=name, position=position)
    unit.session.add(sub)
    bump_catalog_version(unit.session, unit.tenant_id)
    unit.commit()
    return sub


def update_subcategory(unit: TenantUnit, category_id: int, subcategory_id: int,
                       changes: NamedUpdate) -> Subcategory:
    """Rename or reorder a subcategory within its category."""
    sub = get_subcategory(unit, category_id, subcategory_id)
    if changes.name is not None:
        name = require_name(changes.name, "subcategory")
        _ensure_unique_sub(unit, category_id, name, exclude_id=subcategory_id)
        sub.name = name
    if changes.position is not None:
        sub.position = changes.position
    bump_catalog_version(unit.session, unit.tenant_id)
    unit.commit()
    return sub


def delete_subcategory(unit: TenantUnit, category_id: int, subcategory_id: int) -> None:
    """Remove a subcategory no ticket uses (409 with the count otherwise)."""
    sub = get_subcategory(unit, category_id, subcategory_id)
    count = tickets_using(unit.session, Ticket.subcategory_id, subcategory_id)
    if count:
        raise in_use("subcategory", sub.name, count, "change their subcategory first")
    unit.session.delete(sub)
    bump_catalog_version(unit.session, unit.tenant_id)
    unit.commit()
