"""Tables of this domain (see the package docstring)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKeyConstraint,
    Index,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from supportdesk.db.base import Base, Id, TenantOwned


class Survey(TenantOwned, Base):
    """A satisfaction survey the helpdesk can send to a contact about a ticket.

    Three kinds exist: Customer Satisfaction (up to three questions, each
    rated on a scale of 2 to 7 points stored as -3..3), Five Star (one
    question, 1..5) and Net Promoter Score (one question, 0..10). At most one
    survey is active: the one sent when a ticket is resolved or closed
    (``notify_type``). A deleted survey is kept (``is_deleted``) because the
    ratings already given refer to it; its name becomes free for a new one.
    """

    __tablename__ = "surveys"
    __table_args__ = (
        # name_key is the case-folded name while the survey exists and NULL once it is
        # deleted: live names stay unique, deleted ones may repeat.
        Index("uq_surveys_tenant_name_key", "tenant_id", "name_key", unique=True),
        Index("ix_surveys_tenant_created", "tenant_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    name_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    survey_type: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    # Customer Satisfaction only (NULL for the other kinds).
    cs_scale: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    cs_rating_order: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    cs_neutral_type: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    # Rating point ("-3".."3") -> the label the contact sees.
    cs_scale_point_map: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)
    question: Mapped[str] = mapped_column(String(500), nullable=False)
    cs_question_2: Mapped[str | None] = mapped_column(String(500), nullable=True)
    cs_question_3: Mapped[str | None] = mapped_column(String(500), nullable=True)
    thankyou_text: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    include_additional_comments: Mapped[bool] = mapped_column(Boolean, nullable=False)
    additional_comments_title: Mapped[str | None] = mapped_column(String(500), nullable=True)
    notify_type: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False)
    is_deleted: Mapped[bool] = mapped_column(Boolean, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class SentSurvey(TenantOwned, Base):
    """One survey sent to a ticket's contact, and the contact's answer once given.

    The questions and the comments prompt are copied when the survey is sent,
    so an answer keeps the wording the contact saw even if the survey is
    edited later. ``rated_at`` is NULL until the contact answers.
    """

    __tablename__ = "sent_surveys"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "survey_id"], ["surveys.tenant_id", "surveys.id"]),
        ForeignKeyConstraint(["tenant_id", "ticket_number"],
                             ["tickets.tenant_id", "tickets.number"], ondelete="CASCADE"),
        ForeignKeyConstraint(["tenant_id", "contact_id"], ["contacts.tenant_id", "contacts.id"]),
        ForeignKeyConstraint(["tenant_id", "assignee_id"], ["agents.tenant_id", "agents.id"]),
        # The latest survey of each ticket, and the ratings in the order they came in.
        Index("ix_sent_surveys_tenant_ticket_sent", "tenant_id", "ticket_number", "sent_at",
              "id"),
        Index("ix_sent_surveys_tenant_rated", "tenant_id", "rated_at", "id"),
        Index("ix_sent_surveys_tenant_survey", "tenant_id", "survey_id"),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    survey_id: Mapped[int] = mapped_column(Id, nullable=False)
    ticket_number: Mapped[int] = mapped_column(Id, nullable=False)
    # Who it went to, and the agent the ticket was assigned to when it was sent.
    contact_id: Mapped[int] = mapped_column(Id, nullable=False)
    assignee_id: Mapped[int | None] = mapped_column(Id, nullable=True)
    question: Mapped[str] = mapped_column(String(500), nullable=False)
    cs_question_2: Mapped[str | None] = mapped_column(String(500), nullable=True)
    cs_question_3: Mapped[str | None] = mapped_column(String(500), nullable=True)
    additional_comments_title: Mapped[str | None] = mapped_column(String(500), nullable=True)
    sent_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    rated_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    rating: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    cs_rating_2: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    cs_rating_3: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    additional_comments_response: Mapped[str | None] = mapped_column(Text, nullable=True)
