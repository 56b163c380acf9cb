"""The rows of bulk-seeded tickets, built as plain tuples for the driver.

Rows come out in the column order of ``TICKET_COLUMNS`` and
``CONVERSATION_COLUMNS`` with values already in their stored form
(timestamps as ``YYYY-MM-DD HH:MM:SS.ffffff`` text, JSON as text), so the
writers hand them to the database driver untouched: no per-row dicts and
no per-value type processing, which was half the time of a million-ticket
seed. Both SQLite and PostgreSQL read that text form.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from supportdesk.catalog.snapshot import AgentDef
from supportdesk.search.documents import TicketSource, build_document, word_fields
from supportdesk.seed import vocabulary as words
from supportdesk.seed.definitions import TenantDefinitions, field_value
from supportdesk.seed.people import ContactRef
from supportdesk.seed.timeline import (
    HOUR,
    Message,
    build_timeline,
    is_assigned,
    status_category,
)
from supportdesk.seed.writing import Body, TicketText, message_bodies, ticket_texts
from supportdesk.tickets.field_values import value_texts

PRIORITIES = (1, 5, 10, 20)  # Low, Medium, High, Urgent
PRIORITY_WEIGHTS = (30, 35, 20, 15)
SOURCES = (1, 6, 7, 12, 13, 15)  # Email, Portal, Phone, Web Form, Widget, API
SOURCE_WEIGHTS = (40, 20, 10, 12, 10, 8)
SEEDED_PERIOD = timedelta(days=730)
# Pools of distinct texts; tickets draw from them (see ``writing``).
DAY_SECONDS = 86_400
TEXT_POOL = 4_096
MESSAGE_POOL = 512
# Tickets whose priorities and sources are drawn at once. Fixed, so that the
# data a seed gives does not depend on how many tickets go in a batch (the
# transaction size); 10,000 was the batch size these draws used to follow.
DRAW_CHUNK = 10_000

TICKET_COLUMNS = (
    "tenant_id", "number", "subject", "description_html", "description_text", "status_id",
    "priority", "type_id", "group_id", "category_id", "subcategory_id", "assignee_id",
    "contact_id", "company_id", "sla_policy_id", "source", "created_at", "updated_at",
    "resolved_at", "closed_at", "due_at", "first_response_at", "first_assigned_at",
    "completed_within_sla", "conversation_count", "custom_fields", "watchers", "share_to",
)
# Conversation columns left out (cc, bcc, notified agents, bounces) are stored as NULL.
CONVERSATION_COLUMNS = (
    "tenant_id", "ticket_number", "position", "kind", "is_public", "sender_type",
    "created_by", "creator_name", "from_email", "to_address", "body_html", "body_text",
    "attachments_count", "created_at",
)
FIELD_VALUE_COLUMNS = ("tenant_id", "field_id", "value", "ticket_number")
# Where the ticket number sits in a ticket row, a conversation row and a field value row.
NUMBER_AT = TICKET_COLUMNS.index("number")
TICKET_NUMBER_AT = CONVERSATION_COLUMNS.index("ticket_number")
VALUE_NUMBER_AT = FIELD_VALUE_COLUMNS.index("ticket_number")
_CONTACT_AT = TICKET_COLUMNS.index("contact_id")
_COMPANY_AT = TICKET_COLUMNS.index("company_id")
_EMPTY_LIST = json.dumps([])

_T = TypeVar("_T")
Row = list[Any]
Document = tuple[int, dict[str, str]]


def _pick(roll: Callable[[], float], items: Sequence[_T]) -> _T:
    """A uniformly random item; ``random.choice`` costs three times as much."""
    return items[int(roll() * len(items))]


class TicketGenerator:
    """Builds the rows of consecutive batches of one seeding run.

    Ticket numbers in the rows count from 0; ``number_rows`` shifts them
    onto the block allocated when the batch is written.
    """

    def __init__(self, *, rng: random.Random, tenant_id: int, definitions: TenantDefinitions,
                 contacts: list[ContactRef], company_names: dict[int, str], total: int,
                 now: datetime, conversation_share: float) -> None:
        self.rng = rng
        self.tenant_id = tenant_id
        self.defs = definitions
        self.contacts = contacts
        self.people = {c.id: (c.name, c.email) for c in contacts}
        self.company_names = company_names
        self.searched = word_fields(definitions.fields)
        self.total = total
        self.start = now - SEEDED_PERIOD
        # Timestamps are "<day> <time of day>.<the start's microseconds>".
        midnight = self.start.replace(hour=0, minute=0, second=0, microsecond=0)
        self._offset = int((self.start - midnight).total_seconds())
        self._days = [(midnight + timedelta(days=d)).date().isoformat() + " "
                      for d in range(SEEDED_PERIOD.days + 2)]
        micro = f".{self.start.microsecond:06d}"
        self._times = [f"{h:02d}:{m:02d}:{sec:02d}{micro}"
                       for h in range(24) for m in range(60) for sec in range(60)]
        self.now_s = int(SEEDED_PERIOD.total_seconds())
        # The newest seeded ticket is an hour old, so its events fit before "now".
        self.span = self.now_s - HOUR
        self.conversation_share = conversation_share
        self.texts: list[TicketText] = ticket_texts(rng, TEXT_POOL)
        self.agent_replies: list[Body] = message_bodies(rng, words.AGENT_REPLIES, MESSAGE_POOL)
        self.contact_replies: list[Body] = message_bodies(rng, words.CONTACT_REPLIES,
                                                          MESSAGE_POOL)
        self.notes: list[Body] = message_bodies(rng, words.AGENT_NOTES, MESSAGE_POOL)
        self.done = 0
        # The current draw chunk's priorities and sources (see ``_draws``).
        self._priorities: list[int] = []
        self._sources: list[int] = []

    def _at(self, seconds: int | None) -> str | None:
        """``seconds`` after the start, as SQLAlchemy stores a timestamp on SQLite.

        ``YYYY-MM-DD HH:MM:SS.ffffff``, which PostgreSQL reads too. Made from
        the day's and the time of day's texts, formatted once each: a third
        of the cost of a datetime per value.
        """
        if seconds is None:
            return None
        day, second = divmod(self._offset + seconds, DAY_SECONDS)
        return self._days[day] + self._times[second]

    def _draws(self, index: int) -> tuple[int, int]:
        """The priority and source of the run's ``index``-th ticket (0-based).

        Drawn ``DRAW_CHUNK`` tickets at a time, at the first ticket of each
        chunk, wherever the batches split the run: the random stream, and so
        the data, is the same for any batch size.
        """
        at = index % DRAW_CHUNK
        if at == 0:
            count = max(min(DRAW_CHUNK, self.total - index), 1)
            self._priorities = self.rng.choices(PRIORITIES, weights=PRIORITY_WEIGHTS, k=count)
            self._sources = self.rng.choices(SOURCES, weights=SOURCE_WEIGHTS, k=count)
        return self._priorities[at], self._sources[at]

    def batch(self, count: int) -> Batch:
        """The rows and search documents of the next ``count`` tickets."""
        rng, defs, at = self.rng, self.defs, self._at
        roll = rng.random
        contacts, texts, agents = self.contacts, self.texts, defs.agents
        group_ids, type_ids, category_ids = defs.group_ids, defs.type_ids, defs.category_ids
        fields, resolution = defs.fields, defs.resolution_seconds
        tenant_id, dumps = self.tenant_id, json.dumps
        tickets: list[Row] = []
        conversations: list[Row] = []
        field_values: list[Row] = []
        customs: list[dict[str, Any]] = []
        for offset in range(count):
            priority, source = self._draws(self.done + offset)
            created = int(self.span * (self.done + offset + roll()) / self.total)
            category = status_category(rng, self.now_s - created)
            group_id = _pick(roll, group_ids) if group_ids and roll() < 0.7 else None
            assignee: AgentDef | None = None
            if agents and is_assigned(rng, category):
                team = defs.members.get(group_id) if group_id is not None else None
                assignee = _pick(roll, team) if team and roll() < 0.8 else _pick(roll, agents)
            replier = assignee or (_pick(roll, agents) if agents else None)
            line = build_timeline(
                rng, created=created, now=self.now_s, category=category,
                assigned=assignee is not None,
                has_thread=roll() < self.conversation_share,
                agent_can_reply=replier is not None,
            )
            # Skewed so that some customers write in far more often than others.
            contact = contacts[int(len(contacts) * roll() ** 2)]
            category_id = subcategory_id = None
            if category_ids and roll() < 0.6:
                category_id = _pick(roll, category_ids)
                subs = defs.subcategory_ids.get(category_id)
                if subs and roll() < 0.75:
                    subcategory_id = _pick(roll, subs)
            custom = {str(f.id): value for f in fields
                      if roll() < 0.35 and (value := field_value(rng, f)) is not None}
            text = _pick(roll, texts)
            for position, message in enumerate(line.messages, start=1):
                conversations.append(self._message_row(offset, position, message, contact,
                                                        replier))
            due = created + resolution if resolution is not None else None
            customs.append(custom)
            if custom:
                field_values += [[tenant_id, field.id, text, offset] for field in fields
                                 for text in value_texts(field.field_type,
                                                         custom.get(str(field.id)))]
            tickets.append([
                tenant_id, offset, text.subject,
                text.description.html, text.description.text,
                _pick(roll, defs.status_ids[category]), priority,
                _pick(roll, type_ids) if type_ids and roll() < 0.85 else None,
                group_id, category_id, subcategory_id,
                assignee.id if assignee else None,
                contact.id, contact.company_id, defs.sla_policy_id, source,
                at(created), at(line.updated), at(line.resolved), at(line.closed), at(due),
                at(line.first_response), at(line.first_assigned),
                (line.resolved <= due if line.resolved is not None and due is not None
                 else None),
                len(line.messages),
                dumps(custom) if custom else "{}",
                dumps([replier.email]) if replier and roll() < 0.1 else _EMPTY_LIST,
                _EMPTY_LIST,
            ])
        self.done += count
        return Batch(tickets=tickets, conversations=conversations, field_values=field_values,
                     documents=self._documents(tickets, conversations, customs))

    def _message_row(self, offset: int, position: int, message: Message, contact: ContactRef,
                     agent: AgentDef | None) -> Row:
        if message.by_agent and agent is not None:
            pool = self.notes if message.kind == "note" else self.agent_replies
            sender, email, name = "agent", agent.email, agent.name
            to_address = contact.email if message.kind == "reply" else None
        else:
            pool, sender, email, name = self.contact_replies, "contact", contact.email, \
                contact.name
            to_address = None
        body = _pick(self.rng.random, pool)
        return [self.tenant_id, offset, position, message.kind, message.is_public, sender,
                email, name, email, to_address, body.html, body.text, 0, self._at(message.at)]

    def _documents(self, tickets: Sequence[Row], conversations: Sequence[Row],
                   customs: Sequence[dict[str, Any]]) -> list[Document]:
        """The search documents of a batch, from the rows themselves (no reads).

        Built before the batch is numbered: the writer puts the number in.
        """
        threads: dict[int, list[str]] = {}
        text_at = CONVERSATION_COLUMNS.index("body_text")
        for row in conversations:
            threads.setdefault(row[TICKET_NUMBER_AT], []).append(row[text_at])
        description_at = TICKET_COLUMNS.index("description_text")
        subject_at = TICKET_COLUMNS.index("subject")
        documents: list[Document] = []
        for row, custom in zip(tickets, customs, strict=True):
            number = row[NUMBER_AT]
            name, email = self.people[row[_CONTACT_AT]]
            company = row[_COMPANY_AT]
            source = TicketSource(
                number=number, subject=row[subject_at], description_text=row[description_at],
                custom_fields=custom, contact_name=name, contact_email=email,
                company_name=self.company_names.get(company) if company is not None else None,
                conversation_texts=threads.get(number, ()),
            )
            documents.append((number, build_document(source, self.searched)))
        return documents


@dataclass
class Batch:
    """One batch of seeded tickets, numbered from 0 until ``number`` moves it.

    ``field_values`` are the tickets' ``ticket_field_values`` rows (in
    ``FIELD_VALUE_COLUMNS`` order). ``documents`` are the tickets' search
    documents, (0-based number, sections), in ticket order; their ``number``
    section is left for the writer, which adds ``first`` to the number.
    """

    tickets: list[Row]
    conversations: list[Row]
    field_values: list[Row]
    documents: list[Document]
    first: int = 0

    def number(self, first_number: int) -> None:
        """Shift the 0-based ticket numbers onto the block allocated for the batch."""
        for row in self.tickets:
            row[NUMBER_AT] += first_number
        for row in self.conversations:
            row[TICKET_NUMBER_AT] += first_number
        for row in self.field_values:
            row[VALUE_NUMBER_AT] += first_number
        self.first = first_number
