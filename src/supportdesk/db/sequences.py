"""Per-tenant counters: ticket numbers and row ids without gaps in ownership.

One atomic upsert per allocation: on PostgreSQL the row lock serialises
concurrent creates; on SQLite the writer already holds the database lock.
Either way two transactions can never receive the same number.
"""

from __future__ import annotations

from sqlalchemy import String, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from supportdesk.db.base import Base, Id, TenantOwned
from supportdesk.db.scoping import current_tenant


class TenantSequence(TenantOwned, Base):
    """The last value handed out for one named counter of one tenant."""

    __tablename__ = "tenant_sequences"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Id, nullable=False)


_ALLOCATE = text(
    "INSERT INTO tenant_sequences (tenant_id, name, value) VALUES (:tenant_id, :name, :count) "
    "ON CONFLICT (tenant_id, name) DO UPDATE SET value = tenant_sequences.value + :count "
    "RETURNING value"
)


def allocate(session: Session, name: str, count: int = 1) -> int:
    """Reserve ``count`` consecutive values of counter ``name``; return the first."""
    tenant_id = current_tenant(session)
    # On the connection: a plain statement needs none of the session's ORM handling.
    last = session.connection().execute(
        _ALLOCATE, {"tenant_id": tenant_id, "name": name, "count": count}
    ).scalar_one()
    return int(last) - count + 1


def next_id(session: Session, name: str) -> int:
    """The next value of counter ``name`` for the session's tenant."""
    return allocate(session, name, 1)
