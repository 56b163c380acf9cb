"""Replies, notes and the conversation history of a ticket."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from supportdesk.attachments.models import Attachment
from supportdesk.attachments.service import Upload, attachments_of, check_uploads, store_uploads
from supportdesk.catalog.snapshot import AgentDef, Catalog
from supportdesk.contacts.models import Contact
from supportdesk.errors import BadRequest
from supportdesk.search.index import index_ticket
from supportdesk.text import html_to_text, normalize_email, sanitize_html, split_email_list
from supportdesk.tickets.models import Conversation, Ticket
from supportdesk.tickets.service import get_ticket
from supportdesk.unit import TenantUnit

MAX_BODY = 1_000_000


@dataclass(frozen=True)
class NewReply:
    """An agent's email reply to the ticket's contact."""

    body_html: str
    agent_email: str | None = None
    from_email: str | None = None
    cc_emails: str | None = None
    bcc_emails: str | None = None
    include_prev_ccs: bool = False
    include_prev_messages: bool = False


@dataclass(frozen=True)
class NewNote:
    """An agent's note: private (agents only) unless ``is_private`` is False."""

    body_html: str
    agent_email: str | None = None
    notify_emails: str | None = None
    is_private: bool = True


@dataclass(frozen=True)
class PostedMessage:
    """A stored reply or note with what the wire response needs."""

    conversation: Conversation
    to_email: str | None
    attachments: list[Attachment]


def _body(value: str) -> tuple[str, str]:
    if len(value) > MAX_BODY:
        raise BadRequest(f"body is longer than {MAX_BODY} characters")
    clean = sanitize_html(value).strip()
    text = html_to_text(clean)
    if not clean or (not text and "<img" not in clean):
        raise BadRequest("body is required and must not be empty")
    return clean, text


def _author(catalog: Catalog, email: str | None) -> AgentDef | None:
    """The agent writing: the one named, else the helpdesk's first active agent."""
    if email is not None and email.strip():
        address = normalize_email(email, field="agent_email")
        agent = catalog.agent_by_email.get(address)
        if agent is None or not agent.is_active:
            raise BadRequest(f"agent_email: no active agent with email {address!r}")
        return agent
    for agent in catalog.agents:
        if agent.is_active:
            return agent
    return None


def _contact_email(unit: TenantUnit, ticket: Ticket) -> str:
    return unit.session.scalar(
        select(Contact.primary_email).where(Contact.id == ticket.contact_id)
    ) or ""


def _append(unit: TenantUnit, ticket: Ticket, conversation: Conversation,
            uploads: list[Upload]) -> list[Attachment]:
    """Number the message after the ticket's last one and keep the count right."""
    ticket.conversation_count += 1
    conversation.ticket_number = ticket.number
    conversation.position = _next_position(unit, ticket.number)
    conversation.attachments_count = len(uploads)
    conversation.created_at = unit.clock.now()
    ticket.updated_at = conversation.created_at
    unit.session.add(conversation)
    unit.session.flush()
    stored = store_uploads(unit, ticket_number=ticket.number,
                           conversation_position=conversation.position, uploads=uploads) \
        if uploads else []
    index_ticket(unit, ticket.number)
    return stored


def _next_position(unit: TenantUnit, ticket_number: int) -> int:
    last = unit.session.scalar(
        select(func.max(Conversation.position)).where(Conversation.ticket_number == ticket_number)
    )
    return int(last or 0) + 1


def add_reply(unit: TenantUnit, number: int, reply: NewReply,
              uploads: list[Upload] | None = None) -> PostedMessage:
    """Record an agent's reply to the contact and commit.

    The first agent reply stamps the ticket's ``first_response_at``.
    """
    uploads = uploads or []
    check_uploads(unit, uploads)
    body, text = _body(reply.body_html)
    agent = _author(unit.catalog, reply.agent_email)
    cc = split_email_list(reply.cc_emails, field="cc_emails")
    bcc = split_email_list(reply.bcc_emails, field="bcc_emails")
    from_email = normalize_email(reply.from_email, field="from_email") \
        if reply.from_email and reply.from_email.strip() else None
    ticket = get_ticket(unit, number, for_update=True)
    if reply.include_prev_ccs:
        previous = unit.session.scalars(
            select(Conversation.cc_address).where(
                Conversation.ticket_number == number, Conversation.cc_address.is_not(None))
        )
        for line in previous:
            for address in split_email_list(line, field="cc_emails"):
                if address not in cc:
                    cc.append(address)
    to_email = _contact_email(unit, ticket)
    conversation = Conversation(
        kind="reply", is_public=True, sender_type="agent",
        created_by=agent.email if agent else None, creator_name=agent.name if agent else None,
        from_email=from_email or f"support@{unit.subdomain}.{unit.settings.base_domain}",
        to_address=to_email, cc_address=",".join(cc) or None,
        bcc_address=",".join(bcc) or None, notified_agents=None,
        body_html=body, body_text=text,
    )
    stored = _append(unit, ticket, conversation, uploads)
    if ticket.first_response_at is None:
        ticket.first_response_at = conversation.created_at
    unit.commit()
    return PostedMessage(conversation=conversation, to_email=to_email, attachments=stored)


def add_note(unit: TenantUnit, number: int, note: NewNote,
             uploads: list[Upload] | None = None) -> PostedMessage:
    """Record a note and commit; a public note is addressed to the contact."""
    uploads = uploads or []
    check_uploads(unit, uploads)
    body, text = _body(note.body_html)
    agent = _author(unit.catalog, note.agent_email)
    notify = split_email_list(note.notify_emails, field="notify_emails")
    ticket = get_ticket(unit, number, for_update=True)
    to_email = None if note.is_private else _contact_email(unit, ticket)
    conversation = Conversation(
        kind="note", is_public=not note.is_private, sender_type="agent",
        created_by=agent.email if agent else None, creator_name=agent.name if agent else None,
        from_email=None, to_address=to_email, cc_address=None, bcc_address=None,
        notified_agents=",".join(notify) or None, body_html=body, body_text=text,
    )
    stored = _append(unit, ticket, conversation, uploads)
    unit.commit()
    return PostedMessage(conversation=conversation, to_email=to_email, attachments=stored)


@dataclass(frozen=True)
class ConversationFilter:
    """Which kinds of message to return, and in which order."""

    contact_replies: bool = True
    agent_replies: bool = True
    private_notes: bool = True
    public_notes: bool = True
    forwards: bool = True
    latest_first: bool = False

    def wants(self, message: Conversation) -> bool:
        if message.kind == "reply":
            return self.contact_replies if message.sender_type == "contact" \
                else self.agent_replies
        if message.kind == "note":
            return self.public_notes if message.is_public else self.private_notes
        return self.forwards


@dataclass(frozen=True)
class ConversationHistory:
    """A ticket's messages with their attachments, and totals by kind."""

    ticket_number: int
    messages: list[tuple[Conversation, list[Attachment]]]
    agent_reply_count: int
    contact_reply_count: int
    public_note_count: int
    private_note_count: int
    forward_message_count: int


def list_conversations(unit: TenantUnit, number: int,
                       wanted: ConversationFilter) -> ConversationHistory:
    """Every message of a ticket (two queries, however many messages)."""
    get_ticket(unit, number)
    messages = list(unit.session.scalars(
        select(Conversation).where(Conversation.ticket_number == number)
        .order_by(Conversation.position)
    ))
    files: dict[int, list[Attachment]] = {}
    for attachment in attachments_of(unit, number, all_of_ticket=True):
        if attachment.conversation_position is not None:
            files.setdefault(attachment.conversation_position, []).append(attachment)
    counts = {"agent": 0, "contact": 0, "public": 0, "private": 0, "forward": 0}
    for message in messages:
        if message.kind == "reply":
            counts[message.sender_type] += 1
        elif message.kind == "note":
            counts["public" if message.is_public else "private"] += 1
        else:
            counts["forward"] += 1
    chosen = [(m, files.get(m.position, [])) for m in messages if wanted.wants(m)]
    if wanted.latest_first:
        chosen.reverse()
    return ConversationHistory(
        ticket_number=number, messages=chosen,
        agent_reply_count=counts["agent"], contact_reply_count=counts["contact"],
        public_note_count=counts["public"], private_note_count=counts["private"],
        forward_message_count=counts["forward"],
    )
