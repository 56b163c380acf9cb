"""The one place tenant scoping happens.

A session bound to a tenant (``session.info["tenant_id"]``) adds
``tenant_id = :tenant`` to every ORM SELECT, UPDATE and DELETE that touches a
``TenantOwned`` class, and stamps the tenant on every new row it flushes. A
query cannot forget the tenant because no query writes it by hand.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, with_loader_criteria

from supportdesk.db.base import TenantOwned
from supportdesk.db.rls import bind_transaction

TENANT_KEY = "tenant_id"


def bind_tenant(session: Session, tenant_id: int) -> None:
    """Scope ``session`` to ``tenant_id`` for the rest of its life."""
    session.info[TENANT_KEY] = tenant_id


def current_tenant(session: Session) -> int:
    """The tenant this session is scoped to; a session without one is a bug."""
    tenant_id = session.info.get(TENANT_KEY)
    if tenant_id is None:
        raise RuntimeError("session is not bound to a tenant")
    return int(tenant_id)


@event.listens_for(Session, "do_orm_execute")
def _scope_statement(state: ORMExecuteState) -> None:
    tenant_id = state.session.info.get(TENANT_KEY)
    if tenant_id is None:
        return
    if state.is_select or state.is_update or state.is_delete:
        state.statement = state.statement.options(
            with_loader_criteria(
                TenantOwned,
                lambda cls: cls.tenant_id == tenant_id,
                include_aliases=True,
            )
        )


@event.listens_for(Session, "before_flush")
def _stamp_tenant(session: Session, _context: Any, _instances: Any) -> None:
    tenant_id = session.info.get(TENANT_KEY)
    if tenant_id is None:
        return
    for obj in session.new:
        if isinstance(obj, TenantOwned):
            existing = getattr(obj, "tenant_id", None)
            if existing is None:
                obj.tenant_id = tenant_id
            elif existing != tenant_id:
                raise RuntimeError("refusing to write a row into another tenant")


@event.listens_for(Session, "after_begin")
def _bind_transaction(session: Session, _transaction: SessionTransaction,
                      connection: Connection) -> None:
    tenant_id = session.info.get(TENANT_KEY)
    if tenant_id is not None and connection.dialect.name == "postgresql":
        bind_transaction(connection, int(tenant_id))
