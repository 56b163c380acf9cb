"""A read-only snapshot of a tenant's definitions, cached per process.

Tickets refer to statuses, types, groups, categories, agents and SLA
policies by id; the wire uses names. Those tables are small, so a request
resolves names through this snapshot instead of joining them on every row.
The cache is keyed by the tenant's ``catalog_version``, which every change
to a definition bumps, so all worker processes see a change on their next
request.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from supportdesk.agents.models import Agent, Group
from supportdesk.catalog.models import Category, Status, Subcategory, TicketType
from supportdesk.customfields.models import CustomField
from supportdesk.db.scoping import current_tenant
from supportdesk.sla.models import SlaPolicy


@dataclass(frozen=True)
class Named:
    """A definition reduced to what lookups need."""

    id: int
    name: str


@dataclass(frozen=True)
class StatusDef(Named):
    category: str
    is_default: bool


@dataclass(frozen=True)
class SubcategoryDef(Named):
    category_id: int


@dataclass(frozen=True)
class AgentDef:
    id: int
    email: str
    name: str
    is_active: bool


@dataclass(frozen=True)
class SlaDef(Named):
    is_default: bool
    resolution_minutes: int | None
    first_response_minutes: int | None


@dataclass(frozen=True)
class FieldDef:
    id: int
    label: str
    field_type: str
    choices: tuple[str, ...]

    @property
    def wire_key(self) -> str:
        return "cf_" + self.label


@dataclass
class Catalog:
    """Everything a tenant has defined, with lookups both ways."""

    statuses: list[StatusDef] = field(default_factory=list)
    types: list[Named] = field(default_factory=list)
    groups: list[Named] = field(default_factory=list)
    categories: list[Named] = field(default_factory=list)
    subcategories: list[SubcategoryDef] = field(default_factory=list)
    agents: list[AgentDef] = field(default_factory=list)
    sla_policies: list[SlaDef] = field(default_factory=list)
    custom_fields: list[FieldDef] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.status_by_id = {s.id: s for s in self.statuses}
        self.status_by_name = {s.name.casefold(): s for s in self.statuses}
        self.type_by_id = {t.id: t for t in self.types}
        self.type_by_name = {t.name.casefold(): t for t in self.types}
        self.group_by_id = {g.id: g for g in self.groups}
        self.group_by_name = {g.name.casefold(): g for g in self.groups}
        self.category_by_id = {c.id: c for c in self.categories}
        self.category_by_name = {c.name.casefold(): c for c in self.categories}
        self.subcategory_by_id = {s.id: s for s in self.subcategories}
        self.agent_by_id = {a.id: a for a in self.agents}
        self.agent_by_email = {a.email.casefold(): a for a in self.agents}
        self.sla_by_id = {s.id: s for s in self.sla_policies}
        self.sla_by_name = {s.name.casefold(): s for s in self.sla_policies}
        self.field_by_id = {f.id: f for f in self.custom_fields}
        self.field_by_key = {f.wire_key: f for f in self.custom_fields}
        # Id -> what the wire shows, for serializing pages of tickets (an unset
        # reference, None, is simply not a key).
        self.status_name: dict[int | None, str] = {s.id: s.name for s in self.statuses}
        self.type_name: dict[int | None, str] = {t.id: t.name for t in self.types}
        self.group_name: dict[int | None, str] = {g.id: g.name for g in self.groups}
        self.category_name: dict[int | None, str] = {c.id: c.name for c in self.categories}
        self.subcategory_name: dict[int | None, str] = {
            s.id: s.name for s in self.subcategories}
        self.agent_email: dict[int | None, str] = {a.id: a.email for a in self.agents}
        self.sla_name: dict[int | None, str] = {s.id: s.name for s in self.sla_policies}

    def subcategory(self, category_id: int, name: str) -> SubcategoryDef | None:
        folded = name.casefold()
        for sub in self.subcategories:
            if sub.category_id == category_id and sub.name.casefold() == folded:
                return sub
        return None

    def subcategories_named(self, name: str) -> list[SubcategoryDef]:
        folded = name.casefold()
        return [s for s in self.subcategories if s.name.casefold() == folded]

    @property
    def default_status(self) -> StatusDef | None:
        for status in self.statuses:
            if status.is_default:
                return status
        return self.statuses[0] if self.statuses else None

    @property
    def default_sla(self) -> SlaDef | None:
        for policy in self.sla_policies:
            if policy.is_default:
                return policy
        return None


def load_catalog(session: Session) -> Catalog:
    """Read the session's tenant's definitions from the database."""
    return Catalog(
        statuses=[
            StatusDef(s.id, s.name, s.category, s.is_default)
            for s in session.scalars(select(Status).order_by(Status.position, Status.id))
        ],
        types=[Named(t.id, t.name) for t in session.scalars(
            select(TicketType).order_by(TicketType.position, TicketType.id))],
        groups=[Named(g.id, g.name) for g in session.scalars(
            select(Group).order_by(Group.position, Group.id))],
        categories=[Named(c.id, c.name) for c in session.scalars(
            select(Category).order_by(Category.position, Category.id))],
        subcategories=[
            SubcategoryDef(s.id, s.name, s.category_id)
            for s in session.scalars(select(Subcategory).order_by(Subcategory.position,
                                                                  Subcategory.id))
        ],
        agents=[
            AgentDef(a.id, a.email, a.name, a.is_active)
            for a in session.scalars(select(Agent).order_by(Agent.id))
        ],
        sla_policies=[
            SlaDef(p.id, p.name, p.is_default, p.resolution_minutes, p.first_response_minutes)
            for p in session.scalars(select(SlaPolicy).order_by(SlaPolicy.id))
        ],
        custom_fields=[
            FieldDef(f.id, f.label, f.field_type, tuple(str(c) for c in f.choices))
            for f in session.scalars(select(CustomField).order_by(CustomField.position,
                                                                  CustomField.id))
        ],
    )


_cache: dict[int, tuple[int, Catalog]] = {}
_cache_lock = threading.Lock()


def cached_catalog(tenant_id: int, version: int) -> Catalog | None:
    """The tenant's catalog at ``version`` if this process holds it (no database)."""
    with _cache_lock:
        cached = _cache.get(tenant_id)
    return cached[1] if cached is not None and cached[0] == version else None


def catalog_for(session: Session, version: int) -> Catalog:
    """The tenant's catalog at ``version``, from cache when it is current."""
    tenant_id = current_tenant(session)
    with _cache_lock:
        cached = _cache.get(tenant_id)
    if cached is not None and cached[0] == version:
        return cached[1]
    catalog = load_catalog(session)
    with _cache_lock:
        _cache[tenant_id] = (version, catalog)
    return catalog


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()
