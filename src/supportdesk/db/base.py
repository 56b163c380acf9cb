"""Declarative base and the tenant-owned mixin every tenant table uses."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import BigInteger, ForeignKey, Integer, MetaData, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BIGINT on PostgreSQL, INTEGER on SQLite (where INTEGER is already 64-bit).
Id = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """Base of all mapped classes; one metadata, one naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TenantOwned:
    """Mixin for rows that belong to one tenant.

    ``tenant_id`` leads the primary key, every unique constraint, index and
    foreign key of such a table, so that tenants can later be sharded or
    split across clusters without rewriting the schema. Queries on these
    classes are scoped automatically (see ``db.scoping``).
    """

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:
        return mapped_column(
            Id, ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True, sort_order=-100
        )


def table_of(model: type[Any]) -> Table:
    """The Core table behind a mapped class (bulk inserts, prebuilt hot-path queries)."""
    return cast(Table, model.__table__)
