"""Finding knowledge base records by the names Desk365 addresses them with.

Names are compared without regard to case, as everywhere in the API; the
exact comparison also finds non-ASCII names, which SQLite's lower() leaves
alone. Every query is tenant-scoped by the session.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute

from supportdesk.errors import BadRequest, Conflict, NotFound
from supportdesk.kb.models import KbArticle, KbCategory, KbFolder
from supportdesk.text import blank_to_none, normalize_email
from supportdesk.unit import TenantUnit


def same_name(column: InstrumentedAttribute[str], name: str) -> ColumnElement[bool]:
    """``column`` equals ``name``, ignoring case."""
    return or_(column == name, func.lower(column) == name.lower())


def required_name(value: str | None, *, field: str) -> str:
    """A name from a request body that must not be empty."""
    name = blank_to_none(value)
    if name is None:
        raise BadRequest(f"{field} is required and must not be empty")
    return name


def find_category(unit: TenantUnit, name: str) -> KbCategory | None:
    """The category called ``name``, or None."""
    if "\x00" in name:  # no stored name holds one, and PostgreSQL refuses to compare it
        return None
    return unit.session.scalars(
        select(KbCategory).where(same_name(KbCategory.name, name)).order_by(KbCategory.id)
        .limit(1)
    ).first()


def require_category(unit: TenantUnit, name: str) -> KbCategory:
    """The category called ``name``; 404 naming it if there is none."""
    category = find_category(unit, name)
    if category is None:
        raise NotFound(f"no KB category named {name!r} exists")
    return category


def find_folder(unit: TenantUnit, category_id: int, name: str) -> KbFolder | None:
    """The folder called ``name`` in the category, or None."""
    if "\x00" in name:
        return None
    return unit.session.scalars(
        select(KbFolder)
        .where(KbFolder.category_id == category_id, same_name(KbFolder.name, name))
        .order_by(KbFolder.id).limit(1)
    ).first()


def require_folder(unit: TenantUnit, category_name: str, folder_name: str) \
        -> tuple[KbCategory, KbFolder]:
    """The category and its folder; 404 naming whichever does not exist."""
    category = require_category(unit, category_name)
    folder = find_folder(unit, category.id, folder_name)
    if folder is None:
        raise NotFound(f"no folder named {folder_name!r} exists in the KB category "
                       f"{category.name!r}")
    return category, folder


def find_article(unit: TenantUnit, title: str) -> KbArticle | None:
    """The article titled ``title``, or None."""
    if "\x00" in title:
        return None
    return unit.session.scalars(
        select(KbArticle).where(same_name(KbArticle.title, title)).order_by(KbArticle.id)
        .limit(1)
    ).first()


def require_article(unit: TenantUnit, title: str) -> KbArticle:
    """The article titled ``title``; 404 naming it if there is none."""
    article = find_article(unit, title)
    if article is None:
        raise NotFound(f"no KB article titled {title!r} exists")
    return article


def author_id(unit: TenantUnit, email: str | None, *, field: str) -> int | None:
    """The agent named by ``email``, else the helpdesk's first active agent (the API's voice).

    An unknown or deactivated agent is a 400 naming the address.
    """
    catalog = unit.catalog
    if email is not None and email.strip():
        address = normalize_email(email, field=field)
        agent = catalog.agent_by_email.get(address)
        if agent is None or not agent.is_active:
            raise BadRequest(f"{field}: no active agent with email {address!r}")
        return agent.id
    return next((agent.id for agent in catalog.agents if agent.is_active), None)


def agent_email(unit: TenantUnit, agent_id: int | None) -> str | None:
    """The email of the agent with this id, or None."""
    if agent_id is None:
        return None
    agent = unit.catalog.agent_by_id.get(agent_id)
    return agent.email if agent is not None else None


def flush(unit: TenantUnit, what: str) -> None:
    """Flush; two requests racing past the duplicate checks meet the unique indexes here."""
    try:
        unit.session.flush()
    except IntegrityError:
        unit.session.rollback()
        raise Conflict(f"{what} was changed by another request at the same time; "
                       "try again") from None
