"""Creating, reading and changing tickets.

Every function takes a ``TenantUnit`` and owns its transaction: it commits
when the change is complete, or raises a ``supportdesk.errors`` error and
leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from supportdesk.attachments.models import Attachment
from supportdesk.attachments.service import Upload, attachments_of, check_uploads, store_uploads
from supportdesk.catalog.snapshot import Catalog, SlaDef
from supportdesk.companies.models import Company
from supportdesk.contacts.models import Contact
from supportdesk.contacts.service import find_or_create_contact
from supportdesk.customfields.service import validate_values
from supportdesk.db.sequences import next_id
from supportdesk.errors import BadRequest, NotFound
from supportdesk.search.index import SEARCHED_CHANGES, index_ticket
from supportdesk.sla.models import NO_SLA_POLICY
from supportdesk.surveys.responses import latest_sent_surveys
from supportdesk.surveys.schemas import SentSurveyRead
from supportdesk.text import (
    blank_to_none,
    html_to_text,
    is_single_line,
    normalize_email,
    sanitize_html,
)
from supportdesk.tickets.models import Ticket
from supportdesk.unit import TenantUnit

PRIORITIES = {1: "Low", 5: "Medium", 10: "High", 20: "Urgent"}
SOURCES = {1: "Email", 5: "Microsoft Teams", 6: "Support Portal", 7: "Phone/Other",
           12: "Web Form", 13: "Web Widget", 15: "API", 16: "Chat Widget AI agent",
           17: "Teams AI agent", 18: "Support Portal AI agent"}
SOURCE_API = 15
DEFAULT_PRIORITY = 1
MAX_SUBJECT = 500
MAX_DESCRIPTION = 1_000_000
UNASSIGN = "--"


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

    ticket: Ticket
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

    ``with_survey`` adds the latest survey sent on the ticket.
    """
    view = view_ticket(unit, get_ticket(unit, number))
    if not with_survey:
        return view
    return replace(view, survey=latest_sent_surveys(unit, [number]).get(number))


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
    subject = _subject(draft.subject)
    description = _description(draft.description_html)
    status = _status(catalog, draft.status) if draft.status is not None \
        else catalog.default_status
    if status is None:
        raise BadRequest("this helpdesk has no statuses defined; add one first")
    priority = _priority(draft.priority) if draft.priority is not None else DEFAULT_PRIORITY
    custom = _custom(catalog, draft.custom_fields, draft.custom_field_prefix)
    type_id = _named_id(catalog.type_by_name, draft.type, "type")
    group_id = _named_id(catalog.group_by_name, draft.group, "group")
    assignee_id = _assignee(catalog, draft.assignee_email)
    category_id, subcategory_id = _category(catalog, draft.category, draft.subcategory, None)
    watchers = _watchers(catalog, draft.watchers or [], "watchers")
    share_to = [normalize_email(e, field="share_to") for e in (draft.share_to or [])]
    contact = find_or_create_contact(unit, email=draft.contact_email, field="email")
    for address in share_to:
        find_or_create_contact(unit, email=address, field="share_to")
    now = unit.clock.now()
    policy = _policy_for_company(unit, catalog, contact.company_id)
    ticket = Ticket(
        number=next_id(unit.session, "tickets"),
        subject=subject,
        description_html=description,
        description_text=html_to_text(description) if description else None,
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
        due_at=_due(now, policy),
        first_assigned_at=now if assignee_id is not None else None,
        conversation_count=0,
        custom_fields={k: v for k, v in custom.items() if v is not None},
        watchers=_dedupe(watchers),
        share_to=_dedupe(share_to),
    )
    _apply_status_events(ticket, status.category, now)
    unit.session.add(ticket)
    unit.session.flush()
    if uploads:
        store_uploads(unit, ticket_number=ticket.number, conversation_position=None,
                      uploads=uploads)
    index_ticket(unit, ticket.number)
    unit.commit()
    return view_ticket(unit, ticket)


def update_ticket(unit: TenantUnit, number: int, changes: TicketChanges) -> TicketView:
    """Apply a partial update and commit; ``--`` clears assignee, group and categories."""
    catalog = unit.catalog
    ticket = get_ticket(unit, number, for_update=True)
    present = changes.present
    now = unit.clock.now()
    if "subject" in present:
        ticket.subject = _subject(changes.subject)
    if "description" in present:
        description = _description(changes.description_html)
        ticket.description_html = description
        ticket.description_text = html_to_text(description) if description else None
    if "priority" in present:
        if changes.priority is None:
            raise BadRequest("priority cannot be cleared; use 1, 5, 10 or 20")
        ticket.priority = _priority(changes.priority)
    if "type" in present:
        ticket.type_id = _named_id(catalog.type_by_name, _unassign(changes.type), "type")
    if "group" in present:
        ticket.group_id = _named_id(catalog.group_by_name, _unassign(changes.group), "group")
    if "assign_to" in present:
        ticket.assignee_id = _assignee(catalog, _unassign(changes.assignee_email))
        if ticket.assignee_id is not None and ticket.first_assigned_at is None:
            ticket.first_assigned_at = now
    if "category" in present or "sub_category" in present:
        category = _unassign(changes.category) if "category" in present else (
            catalog.category_by_id[ticket.category_id].name if ticket.category_id else None)
        subcategory = _unassign(changes.subcategory) if "sub_category" in present else None
        keep_sub = ticket.subcategory_id if "sub_category" not in present else None
        ticket.category_id, ticket.subcategory_id = _category(
            catalog, category, subcategory, keep_sub)
    if "contact_email" in present:
        if not changes.contact_email:
            raise BadRequest("contact_email cannot be cleared")
        contact = find_or_create_contact(unit, email=changes.contact_email, field="contact_email")
        ticket.contact_id = contact.id
        ticket.company_id = contact.company_id
    if "sla" in present:
        policy = _policy_by_name(catalog, changes.sla)
        ticket.sla_policy_id = policy.id if policy else None
        ticket.due_at = _due(ticket.created_at, policy)
    if "custom_fields" in present:
        custom = _custom(catalog, changes.custom_fields, changes.custom_field_prefix)
        merged = dict(ticket.custom_fields)
        for key, value in custom.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        ticket.custom_fields = merged
    if "watchers" in present:
        added = _watchers(catalog, changes.watchers_add, "watchers.add")
        removed = {normalize_email(e, field="watchers.remove") for e in changes.watchers_remove}
        ticket.watchers = _dedupe([w for w in ticket.watchers if w not in removed] + added)
    if "share_to" in present:
        added = [normalize_email(e, field="share_to.add") for e in changes.share_to_add]
        for address in added:
            find_or_create_contact(unit, email=address, field="share_to.add")
        removed = {normalize_email(e, field="share_to.remove") for e in changes.share_to_remove}
        ticket.share_to = _dedupe([s for s in ticket.share_to if s not in removed] + added)
    if "status" in present:
        if changes.status is None:
            raise BadRequest("status cannot be cleared")
        status = _status(catalog, changes.status)
        if status.id != ticket.status_id:
            ticket.status_id = status.id
            _apply_status_events(ticket, status.category, now)
    ticket.updated_at = now
    unit.session.flush()
    if present & SEARCHED_CHANGES:
        index_ticket(unit, ticket.number)
    unit.commit()
    return view_ticket(unit, ticket)


# -- rules shared by create and update --------------------------------------------------


def _apply_status_events(ticket: Ticket, category: str, now: datetime) -> None:
    """Record resolve/close times as a status change crosses them.

    Resolving stamps ``resolved_at``; closing stamps ``closed_at`` (and
    ``resolved_at`` if the ticket skipped resolved). Reopening clears both,
    since the ticket is no longer resolved. ``completed_within_sla`` is
    decided at resolution against the due time.
    """
    if category == "resolved":
        ticket.resolved_at = now
        ticket.closed_at = None
    elif category == "closed":
        ticket.resolved_at = ticket.resolved_at or now
        ticket.closed_at = now
    else:
        ticket.resolved_at = None
        ticket.closed_at = None
        ticket.completed_within_sla = None
        return
    ticket.completed_within_sla = (
        ticket.resolved_at <= ticket.due_at if ticket.due_at is not None else None
    )


def _due(start: datetime, policy: SlaDef | None) -> datetime | None:
    if policy is None or policy.resolution_minutes is None:
        return None
    return start + timedelta(minutes=policy.resolution_minutes)


def _policy_for_company(unit: TenantUnit, catalog: Catalog, company_id: int | None) \
        -> SlaDef | None:
    if company_id is not None:
        policy_id = unit.session.scalar(
            select(Company.sla_policy_id).where(Company.id == company_id))
        if policy_id is not None and policy_id in catalog.sla_by_id:
            return catalog.sla_by_id[policy_id]
    return catalog.default_sla


def _policy_by_name(catalog: Catalog, name: str | None) -> SlaDef | None:
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


def _subject(value: str | None) -> str:
    text = blank_to_none(value)
    if text is None:
        raise BadRequest("subject is required and must not be empty")
    if len(text) > MAX_SUBJECT:
        raise BadRequest(f"subject is longer than {MAX_SUBJECT} characters")
    if not is_single_line(text):
        raise BadRequest("subject must be one line: it contains a line break or another "
                         "control character")
    return text


def _description(value: str | None) -> str | None:
    if value is None:
        return None
    if len(value) > MAX_DESCRIPTION:
        raise BadRequest(f"description is longer than {MAX_DESCRIPTION} characters")
    return blank_to_none(sanitize_html(value))


def _priority(value: int) -> int:
    if value not in PRIORITIES:
        raise BadRequest(f"priority must be 1 (Low), 5 (Medium), 10 (High) or 20 (Urgent), "
                         f"got {value!r}")
    return value


def _status(catalog: Catalog, name: str) -> Any:
    status = catalog.status_by_name.get(name.strip().casefold())
    if status is None:
        known = ", ".join(s.name for s in catalog.statuses)
        raise BadRequest(f"status: no status named {name!r} (statuses: {known})")
    return status


def _unassign(value: str | None) -> str | None:
    text = blank_to_none(value)
    if text is None or text.replace(" ", "") == UNASSIGN:
        return None
    return text


def _named_id(mapping: dict[str, Any], name: str | None, what: str) -> int | None:
    text = blank_to_none(name)
    if text is None:
        return None
    item = mapping.get(text.casefold())
    if item is None:
        known = ", ".join(sorted(v.name for v in mapping.values())) or "none defined"
        raise BadRequest(f"{what}: no {what} named {text!r} (known: {known})")
    return int(item.id)


def _assignee(catalog: Catalog, email: str | None) -> int | None:
    text = blank_to_none(email)
    if text is None:
        return None
    agent = catalog.agent_by_email.get(text.casefold())
    if agent is None or not agent.is_active:
        raise BadRequest(f"assign_to: no active agent with email {text!r}")
    return agent.id


def _category(catalog: Catalog, category: str | None, subcategory: str | None,
              keep_subcategory_id: int | None) -> tuple[int | None, int | None]:
    category_id = _named_id(catalog.category_by_name, category, "category")
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


def _custom(catalog: Catalog, values: dict[str, Any] | None, prefix: str) -> dict[str, Any]:
    return validate_values(catalog, values, prefix=prefix)


def _watchers(catalog: Catalog, emails: list[str], what: str) -> list[str]:
    result: list[str] = []
    for email in emails:
        address = normalize_email(email, field=what)
        if address not in catalog.agent_by_email:
            raise BadRequest(f"{what}: {address!r} is not an agent of this helpdesk")
        result.append(address)
    return result


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))

