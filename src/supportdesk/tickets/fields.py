"""Request values to stored ones: each function checks one ticket field.

A value that cannot be stored raises ``BadRequest`` naming the field and,
where it helps, the values the helpdesk knows; nothing here writes.
"""

from __future__ import annotations

from typing import Any

from supportdesk.catalog.snapshot import Catalog, SlaDef
from supportdesk.customfields.service import validate_values
from supportdesk.errors import BadRequest
from supportdesk.sla.models import NO_SLA_POLICY
from supportdesk.text import blank_to_none, is_single_line, normalize_email, sanitize_html

PRIORITIES = {1: "Low", 5: "Medium", 10: "High", 20: "Urgent"}
MAX_SUBJECT = 500
MAX_DESCRIPTION = 1_000_000
UNASSIGN = "--"


def policy_by_name(catalog: Catalog, name: str | None) -> SlaDef | None:
    text = blank_to_none(name)
    if text is None or text.casefold() == NO_SLA_POLICY.casefold():
        return None
    if text.casefold() == "helpdesk default":
        return catalog.default_sla
    policy = catalog.sla_by_name.get(text.casefold())
    if policy is None:
        known = ", ".join(p.name for p in catalog.sla_policies) or "none"
        raise BadRequest(f"sla: no SLA policy named {text!r} (policies: {known})")
    return policy


def subject(value: str | None) -> str:
    text = blank_to_none(value)
    if text is None:
        raise BadRequest("subject is required and must not be empty")
    if len(text) > MAX_SUBJECT:
        raise BadRequest(f"subject is longer than {MAX_SUBJECT} characters")
    if not is_single_line(text):
        raise BadRequest("subject must be one line: it contains a line break or another "
                         "control character")
    return text


def description(value: str | None) -> str | None:
    if value is None:
        return None
    if len(value) > MAX_DESCRIPTION:
        raise BadRequest(f"description is longer than {MAX_DESCRIPTION} characters")
    return blank_to_none(sanitize_html(value))


def priority(value: int) -> int:
    if value not in PRIORITIES:
        raise BadRequest(f"priority must be 1 (Low), 5 (Medium), 10 (High) or 20 (Urgent), "
                         f"got {value!r}")
    return value


def status_named(catalog: Catalog, name: str) -> Any:
    status = catalog.status_by_name.get(name.strip().casefold())
    if status is None:
        known = ", ".join(s.name for s in catalog.statuses)
        raise BadRequest(f"status: no status named {name!r} (statuses: {known})")
    return status


def unassign(value: str | None) -> str | None:
    text = blank_to_none(value)
    if text is None or text.replace(" ", "") == UNASSIGN:
        return None
    return text


def named_id(mapping: dict[str, Any], name: str | None, what: str) -> int | None:
    text = blank_to_none(name)
    if text is None:
        return None
    item = mapping.get(text.casefold())
    if item is None:
        known = ", ".join(sorted(v.name for v in mapping.values())) or "none defined"
        raise BadRequest(f"{what}: no {what} named {text!r} (known: {known})")
    return int(item.id)


def assignee_id(catalog: Catalog, email: str | None) -> int | None:
    text = blank_to_none(email)
    if text is None:
        return None
    agent = catalog.agent_by_email.get(text.casefold())
    if agent is None or not agent.is_active:
        raise BadRequest(f"assign_to: no active agent with email {text!r}")
    return agent.id


def category_ids(catalog: Catalog, category: str | None, subcategory: str | None,
              keep_subcategory_id: int | None) -> tuple[int | None, int | None]:
    category_id = named_id(catalog.category_by_name, category, "category")
    sub_name = blank_to_none(subcategory)
    if sub_name is None:
        if keep_subcategory_id is not None and category_id is not None:
            kept = catalog.subcategory_by_id.get(keep_subcategory_id)
            if kept is not None and kept.category_id == category_id:
                return category_id, keep_subcategory_id
        return category_id, None
    if category_id is None:
        raise BadRequest("sub_category needs a category: send category with it")
    sub = catalog.subcategory(category_id, sub_name)
    if sub is None:
        raise BadRequest(f"sub_category: {sub_name!r} is not a subcategory of "
                         f"{catalog.category_by_id[category_id].name!r}")
    return category_id, sub.id


def custom_values(catalog: Catalog, values: dict[str, Any] | None, prefix: str) -> dict[str, Any]:
    return validate_values(catalog, values, prefix=prefix)


def watchers(catalog: Catalog, emails: list[str], what: str) -> list[str]:
    result: list[str] = []
    for email in emails:
        address = normalize_email(email, field=what)
        if address not in catalog.agent_by_email:
            raise BadRequest(f"{what}: {address!r} is not an agent of this helpdesk")
        result.append(address)
    return result


def dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))

