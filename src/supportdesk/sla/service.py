"""Defining SLA policies: targets per priority, and calendar or business hours.

A policy tickets or companies use cannot be deleted (409 saying how many),
nor can the tenant's default policy. Timers come with the SLA engine; today
a ticket's ``due_date`` is its creation time plus the policy-wide
``resolution_minutes``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from supportdesk.catalog.service import get_or_404, in_use, tickets_using
from supportdesk.companies.models import Company
from supportdesk.db.scoping import current_tenant
from supportdesk.db.sequences import next_id
from supportdesk.errors import BadRequest, Conflict
from supportdesk.sla.models import NO_SLA_POLICY, BusinessHours, SlaPolicy, SlaTarget
from supportdesk.sla.schemas import PolicyCreate, PolicyUpdate, Target
from supportdesk.tenancy.service import bump_catalog_version
from supportdesk.tickets.models import Ticket
from supportdesk.unit import TenantUnit


def create_policy(
    session: Session,
    *,
    name: str,
    is_default: bool = False,
    first_response_minutes: int | None = None,
    resolution_minutes: int | None = None,
) -> SlaPolicy:
    """Add an SLA policy; making it the default demotes the previous default."""
    name = name.strip()
    if not name or name.casefold() == NO_SLA_POLICY.casefold():
        raise BadRequest(f"SLA policy name must be non-empty and not {NO_SLA_POLICY!r}")
    for minutes in (first_response_minutes, resolution_minutes):
        if minutes is not None and minutes <= 0:
            raise BadRequest("SLA targets must be positive numbers of minutes")
    exists = session.scalar(
        select(func.count()).select_from(SlaPolicy).where(func.lower(SlaPolicy.name)
                                                           == name.lower())
    )
    if exists:
        raise Conflict(f"an SLA policy named {name!r} already exists")
    if is_default:
        session.execute(update(SlaPolicy).values(is_default=False))
    policy = SlaPolicy(id=next_id(session, "sla_policies"), name=name, is_default=is_default,
                       first_response_minutes=first_response_minutes,
                       resolution_minutes=resolution_minutes)
    session.add(policy)
    bump_catalog_version(session, current_tenant(session))
    session.flush()
    return policy


# --- the admin API and CLI ------------------------------------------------------


@dataclass(frozen=True)
class PolicyView:
    """A policy with its per-priority targets, sorted by priority."""

    policy: SlaPolicy
    targets: list[SlaTarget]


def _targets(unit: TenantUnit, policy_ids: list[int]) -> dict[int, list[SlaTarget]]:
    grouped: dict[int, list[SlaTarget]] = {policy_id: [] for policy_id in policy_ids}
    for target in unit.session.scalars(select(SlaTarget)
                                       .where(SlaTarget.sla_policy_id.in_(policy_ids))
                                       .order_by(SlaTarget.priority)):
        grouped[target.sla_policy_id].append(target)
    return grouped


def _view(unit: TenantUnit, policy: SlaPolicy) -> PolicyView:
    return PolicyView(policy, _targets(unit, [policy.id])[policy.id])


def _policy(unit: TenantUnit, policy_id: int) -> SlaPolicy:
    return get_or_404(unit.session, SlaPolicy, policy_id, "SLA policy")


def list_policies(unit: TenantUnit) -> list[PolicyView]:
    """Every SLA policy of the tenant with its targets (two queries)."""
    policies = list(unit.session.scalars(select(SlaPolicy).order_by(SlaPolicy.id)))
    targets = _targets(unit, [p.id for p in policies])
    return [PolicyView(p, targets[p.id]) for p in policies]


def get_policy(unit: TenantUnit, policy_id: int) -> PolicyView:
    """One policy; 404 if the tenant has none with this id."""
    return _view(unit, _policy(unit, policy_id))


def _check_hours(unit: TenantUnit, hours_mode: str, business_hours_id: int | None) -> None:
    """Business mode names an existing calendar; calendar mode names none."""
    if hours_mode == "business":
        if business_hours_id is None:
            raise BadRequest("business_hours_id: a policy in business hours needs business "
                             "hours")
        get_or_404(unit.session, BusinessHours, business_hours_id, "business hours")
    elif business_hours_id is not None:
        raise BadRequest("business_hours_id: only a policy with hours_mode 'business' uses "
                         "business hours")


def _replace_targets(unit: TenantUnit, policy_id: int, targets: list[Target]) -> None:
    priorities = [t.priority for t in targets]
    if len(set(priorities)) != len(priorities):
        raise BadRequest("targets: each priority may be listed once")
    unit.session.execute(delete(SlaTarget).where(SlaTarget.sla_policy_id == policy_id))
    unit.session.flush()
    for target in targets:
        unit.session.add(SlaTarget(sla_policy_id=policy_id, priority=target.priority,
                                   first_response_minutes=target.first_response_minutes,
                                   resolution_minutes=target.resolution_minutes))


def add_policy(unit: TenantUnit, data: PolicyCreate) -> PolicyView:
    """Define an SLA policy with its targets and hours, and commit."""
    _check_hours(unit, data.hours_mode, data.business_hours_id)
    policy = create_policy(unit.session, name=data.name, is_default=data.is_default,
                           first_response_minutes=data.first_response_minutes,
                           resolution_minutes=data.resolution_minutes)
    policy.hours_mode = data.hours_mode
    policy.business_hours_id = data.business_hours_id
    _replace_targets(unit, policy.id, data.targets)
    unit.commit()
    return _view(unit, policy)


def update_policy(unit: TenantUnit, policy_id: int, changes: PolicyUpdate) -> PolicyView:
    """Change a policy's name, targets, hours or default flag, and commit.

    Tickets already open keep their ``due_date``; it is recomputed when a
    ticket's SLA is set again (the SLA engine will recompute timers).
    """
    policy = _policy(unit, policy_id)
    sent = changes.model_fields_set
    if changes.name is not None:
        name = changes.name.strip()
        if not name or name.casefold() == NO_SLA_POLICY.casefold():
            raise BadRequest(f"name: SLA policy name must be non-empty and not "
                             f"{NO_SLA_POLICY!r}")
        taken = unit.session.scalar(
            select(func.count()).select_from(SlaPolicy)
            .where(func.lower(SlaPolicy.name) == name.lower(), SlaPolicy.id != policy_id))
        if taken:
            raise Conflict(f"an SLA policy named {name!r} already exists")
        policy.name = name
    if changes.is_default and not policy.is_default:
        unit.session.execute(update(SlaPolicy).values(is_default=False))
        policy.is_default = True
    if "first_response_minutes" in sent:
        policy.first_response_minutes = changes.first_response_minutes
    if "resolution_minutes" in sent:
        policy.resolution_minutes = changes.resolution_minutes
    hours_mode = changes.hours_mode or policy.hours_mode
    business_hours_id = (changes.business_hours_id if "business_hours_id" in sent
                         else None if changes.hours_mode == "calendar"
                         else policy.business_hours_id)
    _check_hours(unit, hours_mode, business_hours_id)
    policy.hours_mode, policy.business_hours_id = hours_mode, business_hours_id
    if changes.targets is not None:
        _replace_targets(unit, policy_id, changes.targets)
    bump_catalog_version(unit.session, unit.tenant_id)
    unit.commit()
    return _view(unit, policy)


def delete_policy(unit: TenantUnit, policy_id: int) -> None:
    """Remove a policy no ticket or company uses; the default cannot go (409)."""
    policy = _policy(unit, policy_id)
    if policy.is_default:
        raise Conflict(f"SLA policy {policy.name!r} is the default policy; make another "
                       "policy the default first")
    count = tickets_using(unit.session, Ticket.sla_policy_id, policy_id)
    if count:
        raise in_use("SLA policy", policy.name, count, "change their SLA first")
    companies = unit.session.scalar(select(func.count()).select_from(Company)
                                    .where(Company.sla_policy_id == policy_id)) or 0
    if companies:
        owners = "1 company" if companies == 1 else f"{companies} companies"
        raise Conflict(f"SLA policy {policy.name!r} is the policy of {owners}; change their "
                       "SLA first")
    unit.session.execute(delete(SlaTarget).where(SlaTarget.sla_policy_id == policy_id))
    unit.session.delete(policy)
    bump_catalog_version(unit.session, unit.tenant_id)
    unit.commit()
