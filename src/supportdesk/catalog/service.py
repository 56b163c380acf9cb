"""Defining statuses, types, groups and categories for a tenant."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from supportdesk.agents.models import Group
from supportdesk.catalog.models import STATUS_CATEGORIES, Category, Status, Subcategory, TicketType
from supportdesk.db.scoping import current_tenant
from supportdesk.db.sequences import next_id
from supportdesk.errors import BadRequest, Conflict
from supportdesk.tenancy.service import bump_catalog_version


def _require_name(name: str, what: str) -> str:
    name = name.strip()
    if not name:
        raise BadRequest(f"{what} name must not be empty")
    if name == "--":
        raise BadRequest(f"{what} name '--' is reserved: it means 'unset' in filters")
    return name


def _ensure_unique(session: Session, model: type[Status] | type[TicketType] | type[Category]
                   | type[Group], name: str, what: str) -> None:
    exists = session.scalar(
        select(func.count()).select_from(model).where(func.lower(model.name) == name.lower())
    )
    if exists:
        raise Conflict(f"a {what} named {name!r} already exists")


def create_status(
    session: Session, *, name: str, category: str, is_default: bool = False
) -> Status:
    """Add a status; ``category`` (open, pending, resolved, closed) drives the engine."""
    name = _require_name(name, "status")
    if category not in STATUS_CATEGORIES:
        raise BadRequest(f"status category must be one of {', '.join(STATUS_CATEGORIES)}")
    _ensure_unique(session, Status, name, "status")
    count = session.scalar(select(func.count()).select_from(Status)) or 0
    status = Status(id=next_id(session, "statuses"), name=name, category=category,
                    position=count, is_default=is_default or count == 0)
    session.add(status)
    bump_catalog_version(session, current_tenant(session))
    session.flush()
    return status


def create_type(session: Session, *, name: str) -> TicketType:
    """Add a ticket type."""
    name = _require_name(name, "type")
    _ensure_unique(session, TicketType, name, "type")
    count = session.scalar(select(func.count()).select_from(TicketType)) or 0
    ticket_type = TicketType(id=next_id(session, "ticket_types"), name=name, position=count)
    session.add(ticket_type)
    bump_catalog_version(session, current_tenant(session))
    session.flush()
    return ticket_type


def create_group(session: Session, *, name: str) -> Group:
    """Add an agent group."""
    name = _require_name(name, "group")
    _ensure_unique(session, Group, name, "group")
    count = session.scalar(select(func.count()).select_from(Group)) or 0
    group = Group(id=next_id(session, "groups"), name=name, position=count)
    session.add(group)
    bump_catalog_version(session, current_tenant(session))
    session.flush()
    return group


def create_category(
    session: Session, *, name: str, subcategories: list[str] | None = None
) -> Category:
    """Add a category with its subcategories."""
    name = _require_name(name, "category")
    _ensure_unique(session, Category, name, "category")
    count = session.scalar(select(func.count()).select_from(Category)) or 0
    category = Category(id=next_id(session, "categories"), name=name, position=count)
    session.add(category)
    session.flush()
    seen: set[str] = set()
    for position, raw_name in enumerate(subcategories or []):
        sub_name = _require_name(raw_name, "subcategory")
        if sub_name.casefold() in seen:
            raise Conflict(f"subcategory {sub_name!r} is listed twice")
        seen.add(sub_name.casefold())
        session.add(Subcategory(id=next_id(session, "subcategories"), category_id=category.id,
                                name=sub_name, position=position))
    bump_catalog_version(session, current_tenant(session))
    session.flush()
    return category
