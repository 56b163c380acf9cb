"""Managing ticket statuses: what each is called and how the engine treats it.

Rules a helpdesk relies on:

- Exactly one status is the default, new tickets start in it, and it is in
  category ``open``. It cannot be deleted; make another status the default
  first (``is_default: true`` on that one).
- Every category (open, pending, resolved, closed) keeps at least one
  status, so tickets can always be resolved and closed: the last status of a
  category cannot be deleted or moved to another category.
- A status tickets use cannot be deleted, and its category cannot change
  (that would change what their resolve and close times mean): 409 saying
  how many tickets use it.
- A rename shows on every ticket at once (tickets keep the status id).
"""

from __future__ import annotations

from sqlalchemy import func, select

from supportdesk.catalog.models import Status
from supportdesk.catalog.schemas import StatusCreate, StatusUpdate
from supportdesk.catalog.service import (
    create_status,
    ensure_unique,
    get_or_404,
    in_use,
    require_name,
    tickets_using,
)
from supportdesk.errors import BadRequest, Conflict
from supportdesk.tenancy.service import bump_catalog_version
from supportdesk.tickets.models import Ticket
from supportdesk.unit import TenantUnit


def list_statuses(unit: TenantUnit) -> list[Status]:
    """The tenant's statuses in display order."""
    return list(unit.session.scalars(select(Status).order_by(Status.position, Status.id)))


def get_status(unit: TenantUnit, status_id: int) -> Status:
    """One status; 404 if the tenant has none with this id."""
    return get_or_404(unit.session, Status, status_id, "status")


def add_status(unit: TenantUnit, data: StatusCreate) -> Status:
    """Define a status and commit."""
    status = create_status(unit.session, name=data.name, category=data.category,
                           is_default=data.is_default)
    unit.commit()
    return status


def _others_in_category(unit: TenantUnit, status: Status) -> int:
    return unit.session.scalar(
        select(func.count()).select_from(Status)
        .where(Status.category == status.category, Status.id != status.id)
    ) or 0


def update_status(unit: TenantUnit, status_id: int, changes: StatusUpdate) -> Status:
    """Rename, recategorise, reorder or make default a status and commit."""
    status = get_status(unit, status_id)
    if changes.name is not None:
        name = require_name(changes.name, "status")
        ensure_unique(unit.session, Status, name, "status", exclude_id=status_id)
        status.name = name
    if changes.category is not None and changes.category != status.category:
        if status.is_default:
            raise Conflict(f"status {status.name!r} is the default status and must stay in "
                           "category open; make another status the default first")
        if not _others_in_category(unit, status):
            raise Conflict(f"status {status.name!r} is the only status in category "
                           f"{status.category}; add another one first")
        count = tickets_using(unit.session, Ticket.status_id, status_id)
        if count:
            raise in_use("status", status.name, count,
                         "its category cannot change while tickets use it")
        status.category = changes.category
    if changes.is_default and not status.is_default:
        if status.category != "open":
            raise BadRequest("is_default: the default status must be in category open: new "
                             "tickets start in it")
        for other in unit.session.scalars(select(Status).where(Status.is_default.is_(True))):
            other.is_default = False
        status.is_default = True
    if changes.position is not None:
        status.position = changes.position
    bump_catalog_version(unit.session, unit.tenant_id)
    unit.commit()
    return status


def delete_status(unit: TenantUnit, status_id: int) -> None:
    """Remove a status no ticket uses, unless the helpdesk needs it (409)."""
    status = get_status(unit, status_id)
    if status.is_default:
        raise Conflict(f"status {status.name!r} is the default status; make another status "
                       "the default first")
    if not _others_in_category(unit, status):
        raise Conflict(f"status {status.name!r} is the only status in category "
                       f"{status.category}; the helpdesk needs one")
    count = tickets_using(unit.session, Ticket.status_id, status_id)
    if count:
        raise in_use("status", status.name, count, "move them to another status first")
    unit.session.delete(status)
    bump_catalog_version(unit.session, unit.tenant_id)
    unit.commit()
