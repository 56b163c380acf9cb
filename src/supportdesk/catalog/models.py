"""Statuses, ticket types, categories and subcategories."""

from __future__ import annotations

from sqlalchemy import ForeignKeyConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from supportdesk.db.base import Base, Id, TenantOwned

# What a status means to the engine, whatever the tenant calls it.
STATUS_CATEGORIES = ("open", "pending", "resolved", "closed")


class Status(TenantOwned, Base):
    """A ticket status such as "Open"; ``category`` says how the engine treats it."""

    __tablename__ = "statuses"
    __table_args__ = (Index("uq_statuses_tenant_name", "tenant_id", "name", unique=True),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    category: Mapped[str] = mapped_column(String(20), nullable=False)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    is_default: Mapped[bool] = mapped_column(default=False, nullable=False)


class TicketType(TenantOwned, Base):
    """What kind of request a ticket is ("Question", "Incident", ...)."""

    __tablename__ = "ticket_types"
    __table_args__ = (Index("uq_ticket_types_tenant_name", "tenant_id", "name", unique=True),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)


class Category(TenantOwned, Base):
    """A ticket category ("Hardware"); subcategories hang below it."""

    __tablename__ = "categories"
    __table_args__ = (Index("uq_categories_tenant_name", "tenant_id", "name", unique=True),)

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)


class Subcategory(TenantOwned, Base):
    """A subcategory ("Printer") of one category."""

    __tablename__ = "subcategories"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "category_id"],
            ["categories.tenant_id", "categories.id"],
            ondelete="CASCADE",
        ),
        Index("uq_subcategories_tenant_category_name", "tenant_id", "category_id", "name",
              unique=True),
    )

    id: Mapped[int] = mapped_column(Id, primary_key=True)
    category_id: Mapped[int] = mapped_column(Id, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    position: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
