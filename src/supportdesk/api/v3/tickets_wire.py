"""Tickets and messages in Desk365 v3 shape: names, codes, key order, nulls."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from supportdesk.api.v3.surveys_wire import flat_survey_keys, survey_block
from supportdesk.api.v3.wire import minutes_between, wire_time
from supportdesk.attachments.models import Attachment
from supportdesk.catalog.snapshot import Catalog
from supportdesk.sla.models import NO_SLA_POLICY
from supportdesk.surveys.schemas import SentSurveyRead
from supportdesk.tickets.conversations import ConversationHistory, PostedMessage
from supportdesk.tickets.listing import TicketPage
from supportdesk.tickets.models import Conversation, TicketFields


@dataclass(frozen=True)
class ListOptions:
    """Which optional blocks a list call asked for."""

    include_description: bool = False
    include_custom_fields: bool = False
    include_survey_details: bool = False
    flatten: bool = False


_NO_OPTIONS = ListOptions()


def attachment_url(base_url: str, attachment: Attachment) -> str:
    return (f"{base_url}/apis/v3/attachments/{attachment.id}/{attachment.token}/"
            f"{quote(attachment.file_name)}")


def attachment_json(base_url: str, attachment: Attachment) -> dict[str, Any]:
    return {
        "file_name": attachment.file_name,
        "file_size": attachment.file_size,
        "file_type": attachment.content_type,
        "attachment_url": attachment_url(base_url, attachment),
    }


def custom_fields_json(catalog: Catalog, stored: dict[str, Any], prefix: str = "cf_") \
        -> dict[str, Any]:
    """Every defined field, unset ones as null, keyed ``cf_<Label>``."""
    return {prefix + f.label: stored.get(str(f.id)) for f in catalog.custom_fields}


def ticket_json(
    ticket: TicketFields,
    catalog: Catalog,
    *,
    contact_email: str,
    contact_name: str,
    company_name: str | None,
    details: bool,
    attachments: list[dict[str, Any]] | None = None,
    options: ListOptions | None = None,
    custom_field_prefix: str = "cf_",
    with_sla_name: bool = True,
    survey: SentSurveyRead | None = None,
) -> dict[str, Any]:
    """One ticket. ``details`` adds the blocks details/create/update carry.

    List items (``details=False``) have no ``completed_within_sla`` and no
    ``attachments``, and carry description, custom fields and the survey
    block only when ``options`` ask for them. ``survey`` is the latest survey
    sent on the ticket (None: none was sent); details show its block only when
    ``options`` ask for it, always nested.
    """
    opts = options or _NO_OPTIONS
    created = ticket.created_at
    resolved = ticket.resolved_at
    closed = ticket.closed_at
    first_response = ticket.first_response_at
    first_assigned = ticket.first_assigned_at
    # Built key by key, in the wire's order: a page of 100 serializes 100 of these.
    body: dict[str, Any] = {
        "ticket_number": ticket.number,
        "contact_email": contact_email,
        "contact_name": contact_name,
        "subject": ticket.subject,
    }
    if details or opts.include_description:
        body["description"] = ticket.description_html
        body["description_text"] = ticket.description_text
    body["status"] = catalog.status_name.get(ticket.status_id)
    body["priority"] = ticket.priority
    body["type"] = catalog.type_name.get(ticket.type_id)
    body["source"] = ticket.source
    body["form_name"] = ticket.form_name
    body["form_is_deleted"] = 0
    body["assigned_to"] = catalog.agent_email.get(ticket.assignee_id)
    body["company_name"] = company_name
    if with_sla_name:
        body["sla"] = catalog.sla_name.get(ticket.sla_policy_id, NO_SLA_POLICY)
    if details:
        body["completed_within_sla"] = ticket.completed_within_sla
    body["group"] = catalog.group_name.get(ticket.group_id)
    body["category"] = catalog.category_name.get(ticket.category_id)
    body["subcategory"] = catalog.subcategory_name.get(ticket.subcategory_id)
    body["created_on"] = wire_time(created)
    body["updated_on"] = wire_time(ticket.updated_at)
    body["resolved_on"] = wire_time(resolved)
    body["closed_on"] = wire_time(closed)
    body["due_date"] = wire_time(ticket.due_at)
    body["first_response_time"] = wire_time(first_response)
    body["first_assigned_time"] = wire_time(first_assigned)
    body["first_assigned_duration"] = minutes_between(created, first_assigned)
    body["resolved_duration"] = minutes_between(created, resolved)
    body["first_replied_duration"] = minutes_between(created, first_response)
    body["closed_duration"] = minutes_between(created, closed)
    if details or opts.include_custom_fields:
        fields = custom_fields_json(catalog, ticket.custom_fields, custom_field_prefix)
        if opts.flatten and not details:
            body.update(fields)
        else:
            body["custom_fields"] = fields
    if opts.include_survey_details:
        if opts.flatten and not details:
            body.update(flat_survey_keys(survey))
        else:
            body["survey_rating"] = survey_block(survey)
    if attachments is not None:
        body["attachments"] = attachments
    body["watchers"] = list(ticket.watchers)
    body["share_to"] = list(ticket.share_to)
    body["conversation_count"] = ticket.conversation_count
    return body


def reply_json(message: PostedMessage, base_url: str) -> dict[str, Any]:
    """The ``add_reply`` response (201)."""
    conversation = message.conversation
    return {
        "body": conversation.body_html,
        "cc_emails": conversation.cc_address,
        "bcc_emails": conversation.bcc_address,
        "from_email": conversation.from_email,
        "to_email": message.to_email,
        "ticket_number": conversation.ticket_number,
        "attachments": [attachment_json(base_url, a) for a in message.attachments],
    }


def note_json(message: PostedMessage, base_url: str) -> dict[str, Any]:
    """The ``add_note`` response (201); ``to_email`` is null for a private note."""
    conversation = message.conversation
    return {
        "body": conversation.body_html,
        "notify_emails": conversation.notified_agents,
        "to_email": message.to_email,
        "ticket_number": conversation.ticket_number,
        "private_note": 0 if conversation.is_public else 1,
        "attachments": [attachment_json(base_url, a) for a in message.attachments],
    }


def message_json(message: Conversation, files: list[Attachment], base_url: str) \
        -> dict[str, Any]:
    """One entry of ``tickets/conversations`` (misspelled bounce key included: it is real)."""
    return {
        "ticket_number": message.ticket_number,
        "created_by": message.created_by,
        "creator_name": message.creator_name,
        "type": message.kind,
        "public_note": message.is_public if message.kind == "note" else None,
        "sender_type": message.sender_type,
        "cc_address": message.cc_address,
        "bcc_address": message.bcc_address,
        "to_address": message.to_address,
        "notified_agents": message.notified_agents,
        "body": message.body_html,
        "body_text": message.body_text,
        "attachments_count": message.attachments_count,
        "attachments": [attachment_json(base_url, a) for a in files],
        "created_on": wire_time(message.created_at),
        "is_email_deliveribility_failiure": message.email_bounce_type is not None,
        "email_bounce_type": message.email_bounce_type,
        "email_bounce_status": message.email_bounce_status,
    }


def history_json(history: ConversationHistory, base_url: str) -> dict[str, Any]:
    """The ``tickets/conversations`` response; ``count`` is the messages returned."""
    return {
        "count": len(history.messages),
        "agent_reply_count": history.agent_reply_count,
        "contact_reply_count": history.contact_reply_count,
        "public_note_count": history.public_note_count,
        "private_note_count": history.private_note_count,
        "forward_message_count": history.forward_message_count,
        "conversations": [message_json(m, files, base_url) for m, files in history.messages],
    }


def ticket_page_json(page: TicketPage, catalog: Catalog, options: ListOptions, *,
                     offset: int, page_size: int, next_page_url: str) -> dict[str, Any]:
    """A page of tickets as the list and search answer it: ``{count, tickets, next_page}``.

    ``next_page`` is present only while more tickets remain.
    """
    payload: dict[str, Any] = {
        "count": page.total,
        "tickets": [
            ticket_json(ticket, catalog, contact_email=email, contact_name=name,
                        company_name=company, details=False, options=options,
                        survey=page.surveys.get(ticket.number))
            for ticket, email, name, company in page.rows
        ],
    }
    if offset + page_size < page.total:
        payload["next_page"] = next_page_url
    return payload
