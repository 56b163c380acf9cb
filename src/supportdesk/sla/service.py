"""Defining SLA policies."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from supportdesk.db.scoping import current_tenant
from supportdesk.db.sequences import next_id
from supportdesk.errors import BadRequest, Conflict
from supportdesk.sla.models import NO_SLA_POLICY, SlaPolicy
from supportdesk.tenancy.service import bump_catalog_version


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
