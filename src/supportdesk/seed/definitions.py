"""The tenant's own definitions that seeded tickets refer to, and custom field values."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from supportdesk.agents.models import GroupMember
from supportdesk.catalog.snapshot import AgentDef, Catalog, FieldDef, load_catalog
from supportdesk.errors import BadRequest
from supportdesk.seed import vocabulary as words


@dataclass
class TenantDefinitions:
    """The tenant's definitions the generator draws from."""

    status_ids: dict[str, list[int]]
    type_ids: list[int]
    group_ids: list[int]
    members: dict[int, list[AgentDef]]
    category_ids: list[int]
    subcategory_ids: dict[int, list[int]]
    agents: list[AgentDef]
    sla_policy_id: int | None
    resolution_seconds: int | None
    fields: list[FieldDef]

    @classmethod
    def load(cls, session: Session) -> TenantDefinitions:
        catalog: Catalog = load_catalog(session)
        status_ids: dict[str, list[int]] = {}
        for status in catalog.statuses:
            status_ids.setdefault(status.category, []).append(status.id)
        missing = [c for c in ("open", "pending", "resolved", "closed") if c not in status_ids]
        if missing:
            raise BadRequest(f"cannot seed: the tenant has no status in categories {missing}")
        agents = [a for a in catalog.agents if a.is_active]
        members: dict[int, list[AgentDef]] = {}
        for group_id, agent_id in session.execute(
            select(GroupMember.group_id, GroupMember.agent_id)
        ):
            agent = catalog.agent_by_id.get(agent_id)
            if agent is not None and agent.is_active:
                members.setdefault(group_id, []).append(agent)
        subcategory_ids: dict[int, list[int]] = {}
        for sub in catalog.subcategories:
            subcategory_ids.setdefault(sub.category_id, []).append(sub.id)
        policy = catalog.default_sla
        return cls(
            status_ids=status_ids,
            type_ids=[t.id for t in catalog.types],
            group_ids=[g.id for g in catalog.groups],
            members=members,
            category_ids=[c.id for c in catalog.categories],
            subcategory_ids=subcategory_ids,
            agents=agents,
            sla_policy_id=policy.id if policy else None,
            resolution_seconds=(policy.resolution_minutes * 60
                                if policy and policy.resolution_minutes is not None else None),
            fields=list(catalog.custom_fields),
        )


def field_value(rng: random.Random, field: FieldDef) -> Any:
    """A plausible stored value for a custom field, or None to leave it unset."""
    kind, choices = field.field_type, field.choices
    if kind == "dropdown":
        return rng.choice(choices) if choices else None
    if kind == "multi-select":
        return rng.sample(choices, rng.randint(1, min(2, len(choices)))) if choices else None
    if kind == "text":
        if "employee" in field.label.casefold():
            return f"EMP-{rng.randint(1, 99_999):05d}"
        return rng.choice(words.CITIES)
    if kind == "paragraph":
        return rng.choice(words.AGENT_NOTES)
    if kind == "number":
        return rng.randint(1, 500)
    if kind == "decimal":
        return round(rng.uniform(1, 1000), 2)
    if kind == "date":
        return (date(2025, 1, 1) + timedelta(days=rng.randint(0, 700))).isoformat()
    if kind == "checkbox":
        return rng.random() < 0.5
    return None
