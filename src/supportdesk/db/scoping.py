"""The one place tenant scoping happens.

A session bound to a tenant (``session.info["tenant_id"]``) adds
``tenant_id = :tenant`` to every ORM SELECT, UPDATE and DELETE that touches a
``TenantOwned`` class, and stamps the tenant on every new row it flushes. A
query cannot forget the tenant because no query writes it by hand.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy import (
    Alias,
    BindParameter,
    Column,
    ColumnElement,
    Connection,
    CursorResult,
    Executable,
    FromClause,
    Table,
    bindparam,
    event,
)
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, with_loader_criteria
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BinaryExpression, ClauseElement
from sqlalchemy.util.typing import TupleAny

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
    # Conditions shared with the Core reads (``tenant_criterion``) bind here too.
    parameters = state.parameters
    if state.is_select and (parameters is None or isinstance(parameters, Mapping)):
        state.parameters = {**(parameters or {}), SCOPE_PARAMETER: tenant_id}


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


# -- Prebuilt Core reads on hot paths -------------------------------------------------------
#
# The ORM path above costs about 100 microseconds a statement (building the
# scoped copy, its cache key, the ORM's result handling); the hottest reads
# (the ticket list, details, counts) are Core statements built once instead.
# They carry the tenant as a bound parameter that only ``run_scoped`` fills,
# from the session's binding, and it refuses a statement that reads a tenant
# table without that criterion: the scoping still happens here, once.

SCOPE_PARAMETER = "scope_tenant_id"
# Statement shapes already checked, by SQLAlchemy's cache key (the key fixes the
# SQL's structure, so one check holds for every statement with it). Bounded:
# a list's shapes come from a few filter keys and options.
_checked: dict[Any, bool] = {}
_CHECKED_LIMIT = 4096
_checked_lock = threading.Lock()


def tenant_criterion(table: FromClause) -> ColumnElement[bool]:
    """``<table>.tenant_id = :scope_tenant_id``, for each tenant table a Core read uses."""
    return table.c.tenant_id == bindparam(SCOPE_PARAMETER)


def run_scoped(session: Session, statement: Executable,
               params: Mapping[str, Any] | None = None) -> CursorResult[*TupleAny]:
    """Run a Core read for the session's tenant (see ``tenant_criterion``).

    Raises ``RuntimeError`` if the statement reads a tenant table without
    the criterion: a bug, never a request's fault.
    """
    _require_scoped(statement)
    values = dict(params or {})
    values[SCOPE_PARAMETER] = current_tenant(session)
    return session.connection().execute(statement, values)


def _require_scoped(statement: Executable) -> None:
    cache_key = cast(ClauseElement, statement)._generate_cache_key()
    shape = cache_key.key if cache_key is not None else None
    if shape is not None and shape in _checked:
        return
    unscoped = unscoped_tables(statement)
    if unscoped:
        raise RuntimeError(f"a Core read of {', '.join(sorted(unscoped))} is not scoped "
                           "to the tenant (use tenant_criterion)")
    if shape is not None:
        with _checked_lock:
            if len(_checked) >= _CHECKED_LIMIT:
                _checked.clear()
            _checked[shape] = True


def unscoped_tables(statement: Executable) -> set[str]:
    """Names of the tenant tables (or aliases) ``statement`` reads without the criterion."""
    tenant_froms: dict[str, FromClause] = {}
    scoped: set[str] = set()
    for element in visitors.iterate(cast(ClauseElement, statement)):
        if isinstance(element, (Table, Alias)) and "tenant_id" in element.c:
            tenant_froms[element.name] = element
        elif isinstance(element, BinaryExpression) and element.operator is operators.eq:
            sides = (element.left, element.right)
            for column, other in (sides, sides[::-1]):
                if isinstance(column, Column) and column.name == "tenant_id" \
                        and isinstance(other, BindParameter) and other.key == SCOPE_PARAMETER:
                    scoped.add(str(getattr(column.table, "name", "")))
    return set(tenant_froms) - scoped
