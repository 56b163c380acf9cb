"""Tickets and conversations."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple, Protocol

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from supportdesk.db.base import Base, Id, TenantOwned


def _fk(column: str, table: str, *, ondelete: str | None = None) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["tenant_id", column], [f"{table}.tenant_id", f"{table}.id"], ondelete=ondelete
    )


class Ticket(TenantOwned, Base):
    """A customer's request, numbered sequentially within its tenant.

    Status, type, group, category and subcategory refer to the tenant's
    definitions by id; the wire shows their names. Event timestamps
    (first assignment, first agent reply, resolve, close) are recorded when
    they happen; the wire derives durations from them.
    """

    __tablename__ = "tickets"
    __table_args__ = (
        _fk("status_id", "statuses"),
        _fk("type_id", "ticket_types"),
        _fk("group_id", "groups"),
        _fk("category_id", "categories"),
        _fk("subcategory_id", "subcategories"),
        _fk("assignee_id", "agents"),
        _fk("contact_id", "contacts"),
        _fk("company_id", "companies"),
        _fk("sla_policy_id", "sla_policies"),
        Index("ix_tickets_tenant_created", "tenant_id", "created_at", "number"),
        Index("ix_tickets_tenant_updated", "tenant_id", "updated_at", "number"),
        Index("ix_tickets_tenant_status", "tenant_id", "status_id", "created_at"),
        Index("ix_tickets_tenant_priority", "tenant_id", "priority", "created_at"),
        Index("ix_tickets_tenant_assignee", "tenant_id", "assignee_id", "created_at"),
        Index("ix_tickets_tenant_group", "tenant_id", "group_id", "created_at"),
        Index("ix_tickets_tenant_contact", "tenant_id", "contact_id", "created_at"),
        Index("ix_tickets_tenant_company", "tenant_id", "company_id", "created_at"),
        Index("ix_tickets_tenant_type", "tenant_id", "type_id", "created_at"),
        Index("ix_tickets_tenant_category", "tenant_id", "category_id", "subcategory_id"),
        Index("ix_tickets_tenant_subcategory", "tenant_id", "subcategory_id", "created_at"),
        # Every filter key that names a column, then the order: a count or a page
        # filtered on several keys seeks here and reads index entries, not tickets.
        Index("ix_tickets_tenant_facets", "tenant_id", "status_id", "priority", "group_id",
              "type_id", "assignee_id", "category_id", "subcategory_id", "source",
              "created_at", "number"),
        Index("ix_tickets_tenant_source", "tenant_id", "source", "created_at"),
    )

    number: Mapped[int] = mapped_column(Id, primary_key=True)
    subject: Mapped[str] = mapped_column(String(500), nullable=False)
    description_html: Mapped[str | None] = mapped_column(Text, nullable=True)
    description_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    status_id: Mapped[int] = mapped_column(Id, nullable=False)
    priority: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    type_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    group_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    category_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    subcategory_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    assignee_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    contact_id: Mapped[int] = mapped_column(Id, nullable=False)
    company_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    sla_policy_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    source: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    form_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    due_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    first_response_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    first_assigned_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    completed_within_sla: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    conversation_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    # Custom field values keyed by CustomField.id (as a string).
    custom_fields: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    # Agent emails watching the ticket; contact emails it is shared with.
    watchers: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    share_to: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)


class TicketFields(Protocol):
    """What a ticket's representations read: a ``Ticket``, or a row of the list's Core read.

    The list selects the description and custom fields only when a call asks
    for them, so its rows lack those attributes otherwise.
    """

    @property
    def number(self) -> int: ...
    @property
    def subject(self) -> str: ...
    @property
    def description_html(self) -> str | None: ...
    @property
    def description_text(self) -> str | None: ...
    @property
    def status_id(self) -> int: ...
    @property
    def priority(self) -> int: ...
    @property
    def type_id(self) -> int | None: ...
    @property
    def group_id(self) -> int | None: ...
    @property
    def category_id(self) -> int | None: ...
    @property
    def subcategory_id(self) -> int | None: ...
    @property
    def assignee_id(self) -> int | None: ...
    @property
    def contact_id(self) -> int: ...
    @property
    def company_id(self) -> int | None: ...
    @property
    def sla_policy_id(self) -> int | None: ...
    @property
    def source(self) -> int: ...
    @property
    def form_name(self) -> str | None: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def updated_at(self) -> datetime: ...
    @property
    def resolved_at(self) -> datetime | None: ...
    @property
    def closed_at(self) -> datetime | None: ...
    @property
    def due_at(self) -> datetime | None: ...
    @property
    def first_response_at(self) -> datetime | None: ...
    @property
    def first_assigned_at(self) -> datetime | None: ...
    @property
    def completed_within_sla(self) -> bool | None: ...
    @property
    def conversation_count(self) -> int: ...
    @property
    def custom_fields(self) -> dict[str, Any]: ...
    @property
    def watchers(self) -> list[str]: ...
    @property
    def share_to(self) -> list[str]: ...


class TicketRecord(NamedTuple):
    """Every column of a ticket but its tenant, as written: a ticket a Core insert creates.

    Satisfies ``TicketFields``; ``tests/unit/test_ticket_record.py`` checks
    that the fields are the table's columns, in order.
    """

    number: int
    subject: str
    description_html: str | None
    description_text: str | None
    status_id: int
    priority: int
    type_id: int | None
    group_id: int | None
    category_id: int | None
    subcategory_id: int | None
    assignee_id: int | None
    contact_id: int
    company_id: int | None
    sla_policy_id: int | None
    source: int
    form_name: str | None
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    closed_at: datetime | None
    due_at: datetime | None
    first_response_at: datetime | None
    first_assigned_at: datetime | None
    completed_within_sla: bool | None
    conversation_count: int
    custom_fields: dict[str, Any]
    watchers: list[str]
    share_to: list[str]


class Conversation(TenantOwned, Base):
    """A reply, note or forward on a ticket, numbered within the ticket."""

    __tablename__ = "conversations"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "ticket_number"], ["tickets.tenant_id", "tickets.number"],
            ondelete="CASCADE",
        ),
    )

    ticket_number: Mapped[int] = mapped_column(Id, primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)  # reply | note | forward
    is_public: Mapped[bool] = mapped_column(Boolean, nullable=False)
    sender_type: Mapped[str] = mapped_column(String(10), nullable=False)  # agent | contact
    created_by: Mapped[str | None] = mapped_column(String(254), nullable=True)
    creator_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    from_email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    to_address: Mapped[str | None] = mapped_column(Text, nullable=True)
    cc_address: Mapped[str | None] = mapped_column(Text, nullable=True)
    bcc_address: Mapped[str | None] = mapped_column(Text, nullable=True)
    notified_agents: Mapped[str | None] = mapped_column(Text, nullable=True)
    body_html: Mapped[str] = mapped_column(Text, nullable=False)
    body_text: Mapped[str] = mapped_column(Text, nullable=False)
    attachments_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    email_bounce_type: Mapped[str | None] = mapped_column(String(50), nullable=True)
    email_bounce_status: Mapped[str | None] = mapped_column(String(50), nullable=True)


class TicketCount(TenantOwned, Base):
    """How many of the tenant's tickets have one value of one filterable attribute.

    Kept in the transaction that creates or changes a ticket
    (``tickets/counters.py``) so that the list's ``count`` for no filter or
    one filter key is a sum of a few rows instead of a count over every
    ticket. ``dimension`` is a filter key (``status``, ``priority``, ...) or
    ``all`` (value 0: every ticket); ``value`` is the id or code, -1 for unset.
    """

    __tablename__ = "ticket_counts"

    dimension: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[int] = mapped_column(Id, primary_key=True)
    count: Mapped[int] = mapped_column(Id, nullable=False)


class TicketFieldValue(TenantOwned, Base):
    """One value a ticket holds in one custom field: what the list's filter seeks on.

    The ticket's ``custom_fields`` stays the record; these rows repeat its
    values in an indexable form (``tickets/field_values.py`` says which field
    types and how values are written) and are kept in the transaction that
    writes the ticket. A multi-select has one row per chosen value; a field
    the ticket leaves unset has none. The primary key serves "tickets with
    these values" (a count or the numbers for a page), the index "the values
    of this ticket" (a probe per ticket, and keeping one ticket's rows).
    """

    __tablename__ = "ticket_field_values"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "ticket_number"], ["tickets.tenant_id", "tickets.number"],
            ondelete="CASCADE",
        ),
        ForeignKeyConstraint(
            ["tenant_id", "field_id"], ["custom_fields.tenant_id", "custom_fields.id"],
            ondelete="CASCADE",
        ),
        Index("ix_ticket_field_values_tenant_ticket", "tenant_id", "ticket_number", "field_id",
              "value"),
        # SQLite: the rows are the primary key's B-tree, no separate rowid table.
        {"sqlite_with_rowid": False},
    )

    field_id: Mapped[int] = mapped_column(Id, primary_key=True)
    value: Mapped[str] = mapped_column(String(255), primary_key=True)
    ticket_number: Mapped[int] = mapped_column(Id, primary_key=True)


class TicketFieldCount(TenantOwned, Base):
    """How many of the tenant's tickets hold one value of one custom field.

    Kept with ``ticket_field_values`` (``tickets/field_values.py``), so that
    the list's ``count`` for one ``custom_fields`` key is a sum of a few rows.
    ``value`` is an indexed text; the empty text counts the tickets that
    have any value in the field (the others are unset).
    """

    __tablename__ = "ticket_field_counts"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "field_id"], ["custom_fields.tenant_id", "custom_fields.id"],
            ondelete="CASCADE",
        ),
    )

    field_id: Mapped[int] = mapped_column(Id, primary_key=True)
    value: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Id, nullable=False)
