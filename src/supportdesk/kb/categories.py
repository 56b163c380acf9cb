"""Knowledge base categories: the top shelves, and who may see what is on them.

A category is visible on the support portal to nobody, everyone, signed-in
users, or signed-in users of listed companies; in the agent portal to all
agents or to members of listed groups. The lists only mean something with
the matching visibility, so a list without it (or that visibility without a
list) is refused. A category that still holds folders cannot be deleted.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, or_, select, update

from supportdesk.companies.models import Company
from supportdesk.db.sequences import next_id
from supportdesk.errors import BadRequest, Conflict
from supportdesk.kb.lookup import (
    agent_email,
    author_id,
    find_category,
    flush,
    require_category,
    required_name,
)
from supportdesk.kb.models import (
    AgentVisibility,
    KbCategory,
    KbCategoryCompany,
    KbCategoryGroup,
    KbFolder,
    PortalVisibility,
)
from supportdesk.kb.schemas import CategoryCreate, CategoryRead, CategoryUpdate
from supportdesk.text import blank_to_none
from supportdesk.unit import TenantUnit


def get_category(unit: TenantUnit, *, name: str) -> CategoryRead:
    """The category called ``name``; 404 if there is none."""
    return _read(unit, require_category(unit, name))


def create_category(unit: TenantUnit, *, data: CategoryCreate) -> CategoryRead:
    """Add a category at the end of the display order.

    Visibility defaults to all support portal visitors and all agents.
    """
    name = required_name(data.category_name, field="category_name")
    if find_category(unit, name) is not None:
        raise Conflict(f"a KB category named {name!r} already exists")
    portal = PortalVisibility(data.support_portal_visibility or PortalVisibility.EVERYONE)
    agents = AgentVisibility(data.agent_portal_visibility or AgentVisibility.ALL_AGENTS)
    company_ids = _company_ids(unit, _audience(data.company_list, portal,
                                               PortalVisibility.COMPANIES, kind="company"))
    group_ids = _group_ids(unit, _audience(data.agent_group_list, agents,
                                           AgentVisibility.GROUPS, kind="group"))
    creator = author_id(unit, data.created_by_email, field="created_by_email")
    last = unit.session.scalar(select(func.max(KbCategory.position))) or 0
    now = unit.clock.now()
    category = KbCategory(
        id=next_id(unit.session, "kb_categories"), name=name,
        description=blank_to_none(data.category_description),
        portal_visibility=int(portal), agent_visibility=int(agents), position=last + 1,
        created_by_agent_id=creator, created_at=now, updated_at=now,
    )
    unit.session.add(category)
    flush(unit, f"the KB category {name!r}")
    _link(unit, category.id, company_ids=company_ids, group_ids=group_ids)
    flush(unit, f"the KB category {name!r}")
    unit.commit()
    return _read(unit, category)


def update_category(unit: TenantUnit, *, name: str, changes: CategoryUpdate) -> CategoryRead:
    """Change the fields present in ``changes``.

    A list sent replaces the stored one. Moving away from company (or group)
    visibility forgets the list; moving to it needs a list, sent now or
    stored before.
    """
    category = require_category(unit, name)
    present = changes.model_fields_set
    if "category_name" in present:
        new_name = required_name(changes.category_name, field="category_name")
        other = find_category(unit, new_name)
        if other is not None and other.id != category.id:
            raise Conflict(f"a KB category named {new_name!r} already exists")
        category.name = new_name
    if "category_description" in present:
        category.description = blank_to_none(changes.category_description)
    portal = PortalVisibility(_code(changes.support_portal_visibility, present,
                                    "support_portal_visibility", category.portal_visibility))
    agents = AgentVisibility(_code(changes.agent_portal_visibility, present,
                                   "agent_portal_visibility", category.agent_visibility))
    companies = changes.company_list if "company_list" in present \
        else _names_if(portal == PortalVisibility.COMPANIES, _company_names(unit, category.id))
    groups = changes.agent_group_list if "agent_group_list" in present \
        else _names_if(agents == AgentVisibility.GROUPS, _group_names(unit, category.id))
    company_ids = _company_ids(unit, _audience(companies, portal, PortalVisibility.COMPANIES,
                                               kind="company"))
    group_ids = _group_ids(unit, _audience(groups, agents, AgentVisibility.GROUPS,
                                           kind="group"))
    category.portal_visibility = int(portal)
    category.agent_visibility = int(agents)
    category.updated_at = unit.clock.now()
    unit.session.execute(delete(KbCategoryCompany)
                         .where(KbCategoryCompany.category_id == category.id))
    unit.session.execute(delete(KbCategoryGroup).where(KbCategoryGroup.category_id == category.id))
    _link(unit, category.id, company_ids=company_ids, group_ids=group_ids)
    flush(unit, f"the KB category {category.name!r}")
    unit.commit()
    return _read(unit, category)


def delete_category(unit: TenantUnit, *, name: str) -> None:
    """Remove an empty category; 409 while folders remain in it.

    Later categories move up one place so the order stays 1, 2, 3, ...
    """
    category = require_category(unit, name)
    folders = unit.session.scalar(
        select(func.count()).select_from(KbFolder).where(KbFolder.category_id == category.id)
    ) or 0
    if folders:
        raise Conflict(f"the KB category {category.name!r} still has {folders} "
                       f"folder{'s' if folders != 1 else ''}; delete them or move them to "
                       "another category first")
    unit.session.execute(delete(KbCategoryCompany)
                         .where(KbCategoryCompany.category_id == category.id))
    unit.session.execute(delete(KbCategoryGroup).where(KbCategoryGroup.category_id == category.id))
    unit.session.execute(delete(KbCategory).where(KbCategory.id == category.id))
    unit.session.execute(
        update(KbCategory).where(KbCategory.position > category.position)
        .values(position=KbCategory.position - 1)
        .execution_options(synchronize_session=False)
    )
    unit.commit()


def _code(value: int | None, present: set[str], field: str, current: int) -> int:
    if field not in present:
        return current
    if value is None:
        raise BadRequest(f"{field} must not be null or empty")
    return value


def _names_if(keep: bool, names: list[str]) -> list[str]:
    return names if keep else []


def _audience(names: Sequence[str] | None, visibility: int, needs_list: int, *,
              kind: str) -> list[str]:
    """The non-blank names, checked against the visibility that gives them meaning."""
    field, code_field = (("company_list", "support_portal_visibility") if kind == "company"
                         else ("agent_group_list", "agent_portal_visibility"))
    wanted: list[str] = []
    for raw in names or []:
        name = raw.strip()
        if name and name.casefold() not in {w.casefold() for w in wanted}:
            wanted.append(name)
    if wanted and visibility != needs_list:
        raise BadRequest(f"{field} applies only when {code_field} is {needs_list}")
    if not wanted and visibility == needs_list:
        raise BadRequest(f"{code_field} {needs_list} needs at least one {kind} in {field}")
    return wanted


def _company_ids(unit: TenantUnit, names: list[str]) -> list[int]:
    """Ids of the named companies in the given order; 400 naming the first unknown one."""
    if not names:
        return []
    rows = unit.session.execute(
        select(Company.id, Company.name).where(or_(
            Company.name.in_(names), func.lower(Company.name).in_([n.lower() for n in names])
        ))
    ).all()
    by_name = {name.casefold(): company_id for company_id, name in rows}
    ids: list[int] = []
    for name in names:
        company_id = by_name.get(name.casefold())
        if company_id is None:
            raise BadRequest(f"company_list: no company named {name!r} exists")
        ids.append(company_id)
    return ids


def _group_ids(unit: TenantUnit, names: list[str]) -> list[int]:
    """Ids of the named agent groups in the given order; 400 naming the first unknown one."""
    ids: list[int] = []
    for name in names:
        group = unit.catalog.group_by_name.get(name.casefold())
        if group is None:
            raise BadRequest(f"agent_group_list: no group named {name!r} exists")
        ids.append(group.id)
    return ids


def _link(unit: TenantUnit, category_id: int, *, company_ids: list[int],
          group_ids: list[int]) -> None:
    for position, company_id in enumerate(dict.fromkeys(company_ids)):
        unit.session.add(KbCategoryCompany(category_id=category_id, company_id=company_id,
                                           position=position))
    for position, group_id in enumerate(dict.fromkeys(group_ids)):
        unit.session.add(KbCategoryGroup(category_id=category_id, group_id=group_id,
                                         position=position))


def _company_names(unit: TenantUnit, category_id: int) -> list[str]:
    return list(unit.session.scalars(
        select(Company.name)
        .join(KbCategoryCompany, KbCategoryCompany.company_id == Company.id)
        .where(KbCategoryCompany.category_id == category_id)
        .order_by(KbCategoryCompany.position)
    ))


def _group_names(unit: TenantUnit, category_id: int) -> list[str]:
    group_ids = unit.session.scalars(
        select(KbCategoryGroup.group_id).where(KbCategoryGroup.category_id == category_id)
        .order_by(KbCategoryGroup.position)
    )
    groups = unit.catalog.group_by_id
    return [groups[group_id].name for group_id in group_ids if group_id in groups]


def _read(unit: TenantUnit, category: KbCategory) -> CategoryRead:
    return CategoryRead(
        name=category.name, description=category.description,
        created_by_email=agent_email(unit, category.created_by_agent_id),
        created_at=category.created_at, portal_visibility=category.portal_visibility,
        company_names=_company_names(unit, category.id),
        agent_visibility=category.agent_visibility,
        group_names=_group_names(unit, category.id), position=category.position,
    )
