"""Creating, reading and changing tickets.

Every function takes a ``TenantUnit`` and owns its transaction: it commits
when the change is complete, or raises a ``supportdesk.errors`` error and
leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, insert, select

from supportdesk.attachments.models import Attachment
from supportdesk.attachments.service import Upload, attachments_of, check_uploads, store_uploads
from supportdesk.catalog.snapshot import Catalog, SlaDef
from supportdesk.companies.models import Company
from supportdesk.contacts.models import Contact
from supportdesk.contacts.service import contact_for_ticket, find_or_create_contact
from supportdesk.db.base import table_of
from supportdesk.db.scoping import run_scoped, tenant_criterion
from supportdesk.db.sequences import next_id
from supportdesk.errors import BadRequest, NotFound
from supportdesk.search.index import SEARCHED_CHANGES, index_new_ticket, index_ticket
from supportdesk.surveys.responses import latest_sent_surveys
from supportdesk.surveys.schemas import SentSurveyRead
from supportdesk.text import (
    blank_to_none,
    html_to_text,
    normalize_email,
)
from supportdesk.tickets import counters, field_values, fields
from supportdesk.tickets.models import Ticket, TicketFields, TicketRecord
from supportdesk.tickets.reads import TICKETS, description_files, one_ticket
from supportdesk.unit import TenantUnit

SOURCES = {1: "Email", 5: "Microsoft Teams", 6: "Support Portal", 7: "Phone/Other",
           12: "Web Form", 13: "Web Widget", 15: "API", 16: "Chat Widget AI agent",
           17: "Teams AI agent", 18: "Support Portal AI agent"}
SOURCE_API = 15
DEFAULT_PRIORITY = 1

_COMPANIES = table_of(Company)
_COMPANY_NAME_AND_POLICY = (
    select(_COMPANIES.c.name, _COMPANIES.c.sla_policy_id)
    .where(tenant_criterion(_COMPANIES), _COMPANIES.c.id == bindparam("id"))
)
_INSERT_TICKET = insert(TICKETS)


@dataclass
class NewTicket:
    """What a caller may say about a ticket it opens; None takes the tenant default."""

    contact_email: str
    subject: str
    description_html: str | None = None
    status: str | None = None
    priority: int | None = None
    type: str | None = None
    assignee_email: str | None = None
    group: str | None = None
    category: str | None = None
    subcategory: str | None = None
    form_name: str | None = None
    custom_fields: dict[str, Any] | None = None
    custom_field_prefix: str = "cf_"
    watchers: list[str] | None = None
    share_to: list[str] | None = None
    source: int = SOURCE_API


@dataclass
class TicketChanges:
    """A partial update: only the attributes named in ``present`` change."""

    present: frozenset[str]
    subject: str | None = None
    description_html: str | None = None
    status: str | None = None
    priority: int | None = None
    type: str | None = None
    assignee_email: str | None = None
    group: str | None = None
    category: str | None = None
    subcategory: str | None = None
    sla: str | None = None
    contact_email: str | None = None
    custom_fields: dict[str, Any] | None = None
    custom_field_prefix: str = "cf_"
    watchers_add: list[str] = field(default_factory=list)
    watchers_remove: list[str] = field(default_factory=list)
    share_to_add: list[str] = field(default_factory=list)
    share_to_remove: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TicketView:
    """A ticket with the people and files its representations show."""

    ticket: TicketFields
    contact_email: str
    contact_name: str
    company_name: str | None
    attachments: list[Attachment]
    # The latest survey sent on the ticket, when asked for (None: none was sent).
    survey: SentSurveyRead | None = None


def view_ticket(unit: TenantUnit, ticket: Ticket) -> TicketView:
    """Gather the contact, company and description attachments of ``ticket``."""
    row = unit.session.execute(
        select(Contact.primary_email, Contact.name, Company.name)
        .select_from(Contact)
        .outerjoin(Company, Company.id == ticket.company_id)
        .where(Contact.id == ticket.contact_id)
    ).one()
    return TicketView(ticket=ticket, contact_email=row[0], contact_name=row[1],
                      company_name=row[2], attachments=attachments_of(unit, ticket.number))


def ticket_details(unit: TenantUnit, number: int, *, with_survey: bool = False) -> TicketView:
    """Ticket ``number`` as the details endpoint shows it, or 404.

    Two prebuilt reads (``tickets.reads``): the ticket with its people, and
    its description's files. ``with_survey`` adds the latest survey sent on
    the ticket.
    """
    row = one_ticket(unit, number)
    if row is None:
        raise NotFound(f"ticket {number} does not exist")
    view = TicketView(ticket=row, contact_email=row.contact_email,
                      contact_name=row.contact_name, company_name=row.company_name,
                      attachments=description_files(unit, number))
    if with_survey:
        view = replace(view, survey=latest_sent_surveys(unit, [number]).get(number))
    unit.end_reads()
    return view


def get_ticket(unit: TenantUnit, number: int, *, for_update: bool = False) -> Ticket:
    """The tenant's ticket ``number``, or 404.

    ``for_update`` locks the row (PostgreSQL) so concurrent changes to one
    ticket queue instead of overwriting each other; SQLite writers already
    hold the database lock.
    """
    query = select(Ticket).where(Ticket.number == number)
    if for_update:
        query = query.with_for_update()
    ticket = unit.session.scalar(query)
    if ticket is None:
        raise NotFound(f"ticket {number} does not exist")
    return ticket


def create_ticket(unit: TenantUnit, draft: NewTicket,
                  uploads: list[Upload] | None = None) -> TicketView:
    """Open a ticket for a contact (created if unknown) and commit it.

    The ticket takes the next number of the tenant's sequence, the tenant's
    default status and SLA policy unless told otherwise, and the company of
    its contact. Attachments are stored in the same transaction.
    """
    catalog = unit.catalog
    uploads = uploads or []
    check_uploads(unit, uploads)
    subject = fields.subject(draft.subject)
    description = fields.description(draft.description_html)
    status = fields.status_named(catalog, draft.status) if draft.status is not None \
        else catalog.default_status
    if status is None:
        raise BadRequest("this helpdesk has no statuses defined; add one first")
    priority = fields.priority(draft.priority) if draft.priority is not None else DEFAULT_PRIORITY
    custom = fields.custom_values(catalog, draft.custom_fields, draft.custom_field_prefix)
    type_id = fields.named_id(catalog.type_by_name, draft.type, "type")
    group_id = fields.named_id(catalog.group_by_name, draft.group, "group")
    assignee_id = fields.assignee_id(catalog, draft.assignee_email)
    category_id, subcategory_id = fields.category_ids(catalog, draft.category,
                                                      draft.subcategory, None)
    watchers = fields.watchers(catalog, draft.watchers or [], "watchers")
    share_to = [normalize_email(e, field="share_to") for e in (draft.share_to or [])]
    # Everything above is checked without the database; SQLite's write lock is
    # taken by the first statement below and held until the commit.
    description_text = html_to_text(description) if description else None
    contact = contact_for_ticket(unit, email=draft.contact_email, field="email")
    for address in share_to:
        find_or_create_contact(unit, email=address, field="share_to")
    now = unit.clock.now()
    company_name, policy = _company_and_policy(unit, catalog, contact.company_id)
    due_at = _due(now, policy)
    resolved_at, closed_at, within_sla = status_event_times(status.category, now, None, due_at)
    ticket = TicketRecord(
        number=next_id(unit.session, "tickets"),
        subject=subject,
        description_html=description,
        description_text=description_text,
        status_id=status.id,
        priority=priority,
        type_id=type_id,
        group_id=group_id,
        category_id=category_id,
        subcategory_id=subcategory_id,
        assignee_id=assignee_id,
        contact_id=contact.id,
        company_id=contact.company_id,
        sla_policy_id=policy.id if policy else None,
        source=draft.source,
        form_name=blank_to_none(draft.form_name),
        created_at=now,
        updated_at=now,
        resolved_at=resolved_at,
        closed_at=closed_at,
        due_at=due_at,
        first_response_at=None,
        first_assigned_at=now if assignee_id is not None else None,
        completed_within_sla=within_sla,
        conversation_count=0,
        custom_fields={k: v for k, v in custom.items() if v is not None},
        watchers=fields.dedupe(watchers),
        share_to=fields.dedupe(share_to),
    )
    # A prebuilt Core insert, not the ORM's unit of work (docs/benchmarks.md,
    # Create path): the tenant is named here, and row-level security checks it.
    unit.session.connection().execute(_INSERT_TICKET,
                                      {"tenant_id": unit.tenant_id, **ticket._asdict()})
    stored = store_uploads(unit, ticket_number=ticket.number, conversation_position=None,
                           uploads=uploads) if uploads else []
    index_new_ticket(unit, ticket, contact_name=contact.name,
                     contact_email=contact.primary_email, company_name=company_name,
                     attachment_names=[a.file_name for a in stored])
    counters.ticket_added(unit.session, ticket)
    field_values.ticket_written(unit.session, catalog, ticket.number, {}, ticket.custom_fields)
    unit.commit()
    # Answered from what was just written: reading it back would open another
    # transaction (and on SQLite queue for the write lock again).
    return TicketView(ticket=ticket, contact_email=contact.primary_email,
                      contact_name=contact.name, company_name=company_name,
                      attachments=stored)


def update_ticket(unit: TenantUnit, number: int, changes: TicketChanges) -> TicketView:
    """Apply a partial update and commit; ``--`` clears assignee, group and categories."""
    catalog = unit.catalog
    ticket = get_ticket(unit, number, for_update=True)
    counted_before = counters.snapshot(ticket)
    custom_before = dict(ticket.custom_fields)
    present = changes.present
    now = unit.clock.now()
    if "subject" in present:
        ticket.subject = fields.subject(changes.subject)
    if "description" in present:
        description = fields.description(changes.description_html)
        ticket.description_html = description
        ticket.description_text = html_to_text(description) if description else None
    if "priority" in present:
        if changes.priority is None:
            raise BadRequest("priority cannot be cleared; use 1, 5, 10 or 20")
        ticket.priority = fields.priority(changes.priority)
    if "type" in present:
        ticket.type_id = fields.named_id(catalog.type_by_name, fields.unassign(changes.type),
                                         "type")
    if "group" in present:
        ticket.group_id = fields.named_id(catalog.group_by_name,
                                          fields.unassign(changes.group), "group")
    if "assign_to" in present:
        ticket.assignee_id = fields.assignee_id(catalog, fields.unassign(changes.assignee_email))
        if ticket.assignee_id is not None and ticket.first_assigned_at is None:
            ticket.first_assigned_at = now
    if "category" in present or "sub_category" in present:
        category = fields.unassign(changes.category) if "category" in present else (
            catalog.category_by_id[ticket.category_id].name if ticket.category_id else None)
        subcategory = fields.unassign(changes.subcategory) if "sub_category" in present else None
        keep_sub = ticket.subcategory_id if "sub_category" not in present else None
        ticket.category_id, ticket.subcategory_id = fields.category_ids(
            catalog, category, subcategory, keep_sub)
    if "contact_email" in present:
        if not changes.contact_email:
            raise BadRequest("contact_email cannot be cleared")
        contact = find_or_create_contact(unit, email=changes.contact_email, field="contact_email")
        ticket.contact_id = contact.id
        ticket.company_id = contact.company_id
    if "sla" in present:
        policy = fields.policy_by_name(catalog, changes.sla)
        ticket.sla_policy_id = policy.id if policy else None
        ticket.due_at = _due(ticket.created_at, policy)
    if "custom_fields" in present:
        custom = fields.custom_values(catalog, changes.custom_fields, changes.custom_field_prefix)
        merged = dict(ticket.custom_fields)
        for key, value in custom.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        ticket.custom_fields = merged
    if "watchers" in present:
        added = fields.watchers(catalog, changes.watchers_add, "watchers.add")
        removed = {normalize_email(e, field="watchers.remove") for e in changes.watchers_remove}
        ticket.watchers = fields.dedupe([w for w in ticket.watchers if w not in removed] + added)
    if "share_to" in present:
        added = [normalize_email(e, field="share_to.add") for e in changes.share_to_add]
        for address in added:
            find_or_create_contact(unit, email=address, field="share_to.add")
        removed = {normalize_email(e, field="share_to.remove") for e in changes.share_to_remove}
        ticket.share_to = fields.dedupe([s for s in ticket.share_to if s not in removed] + added)
    if "status" in present:
        if changes.status is None:
            raise BadRequest("status cannot be cleared")
        status = fields.status_named(catalog, changes.status)
        if status.id != ticket.status_id:
            ticket.status_id = status.id
            _apply_status_events(ticket, status.category, now)
    ticket.updated_at = now
    unit.session.flush()
    if present & SEARCHED_CHANGES:
        index_ticket(unit, ticket.number)
    counters.ticket_changed(unit.session, counted_before, ticket)
    if "custom_fields" in present:
        field_values.ticket_written(unit.session, catalog, ticket.number, custom_before,
                                    ticket.custom_fields)
    # Read in the writing transaction: after the commit it would be another
    # transaction (on SQLite, another wait for the write lock).
    view = view_ticket(unit, ticket)
    unit.commit()
    return view


# -- rules shared by create and update --------------------------------------------------


def _apply_status_events(ticket: Ticket, category: str, now: datetime) -> None:
    """Record resolve/close times on ``ticket`` as a status change crosses them."""
    ticket.resolved_at, ticket.closed_at, ticket.completed_within_sla = status_event_times(
        category, now, ticket.resolved_at, ticket.due_at)


def status_event_times(category: str, now: datetime, resolved_at: datetime | None,
                       due_at: datetime | None) \
        -> tuple[datetime | None, datetime | None, bool | None]:
    """``(resolved_at, closed_at, completed_within_sla)`` once a ticket takes a status.

    Resolving stamps ``resolved_at``; closing stamps ``closed_at`` (and
    ``resolved_at`` if the ticket skipped resolved). Reopening clears both,
    since the ticket is no longer resolved. ``completed_within_sla`` is
    decided at resolution against the due time.
    """
    if category == "resolved":
        resolved, closed = now, None
    elif category == "closed":
        resolved, closed = resolved_at or now, now
    else:
        return None, None, None
    return resolved, closed, (resolved <= due_at if due_at is not None else None)


def _due(start: datetime, policy: SlaDef | None) -> datetime | None:
    if policy is None or policy.resolution_minutes is None:
        return None
    return start + timedelta(minutes=policy.resolution_minutes)


def _company_and_policy(unit: TenantUnit, catalog: Catalog, company_id: int | None) \
        -> tuple[str | None, SlaDef | None]:
    """The company's name and the SLA policy its new tickets get, in one query.

    A company's own policy wins over the helpdesk default.
    """
    if company_id is None:
        return None, catalog.default_sla
    row = run_scoped(unit.session, _COMPANY_NAME_AND_POLICY, {"id": company_id}).first()
    if row is None:
        return None, catalog.default_sla
    name, policy_id = row
    if policy_id is not None and policy_id in catalog.sla_by_id:
        return name, catalog.sla_by_id[policy_id]
    return name, catalog.default_sla
