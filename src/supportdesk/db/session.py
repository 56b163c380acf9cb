"""Sessions and the unit of work: the service layer's only way to the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from supportdesk.db.engine import DEFAULT_SQLITE_CACHE_MB, make_engine
from supportdesk.db.group_commit import GroupCommit
from supportdesk.db.scoping import bind_tenant

if TYPE_CHECKING:
    from supportdesk.db.replicas import ReplicaRouter


@dataclass
class Database:
    """An engine plus the two session factories the service uses.

    ``reader`` opens plain transactions; ``writer`` opens ``BEGIN IMMEDIATE``
    on SQLite so concurrent writers queue on the lock instead of failing.
    On PostgreSQL both are the same. ``replicas`` routes lag-tolerant reads to
    PostgreSQL streaming replicas when any are configured (``db.replicas``).
    """

    engine: Engine
    reader: sessionmaker[Session]
    writer: sessionmaker[Session]
    replicas: ReplicaRouter | None = None
    # The request write units' shared transactions (SQLite; see db.group_commit).
    group: GroupCommit | None = None

    @classmethod
    def from_url(cls, url: str, *, pool_size: int = 10,
                 sqlite_cache_mb: int = DEFAULT_SQLITE_CACHE_MB) -> Database:
        engine = make_engine(url, pool_size=pool_size, sqlite_cache_mb=sqlite_cache_mb)
        return cls.from_engine(engine)

    @classmethod
    def from_engine(cls, engine: Engine) -> Database:
        writer_bind = engine.execution_options(sqlite_begin="IMMEDIATE")
        return cls(
            engine=engine,
            reader=sessionmaker(bind=engine, expire_on_commit=False),
            writer=sessionmaker(bind=writer_bind, expire_on_commit=False),
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(
        self, *, tenant_id: int | None = None, write: bool = False,
        connection: Connection | None = None,
    ) -> Iterator[Session]:
        """A session scoped to ``tenant_id`` (when given); the caller commits.

        ``connection`` pins the session to one connection (bulk seeding tunes
        its own). Rolled back if the block raises, closed always.
        """
        factory = self.writer if write else self.reader
        session = factory(bind=connection) if connection is not None else factory()
        if tenant_id is not None:
            bind_tenant(session, tenant_id)
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def lookup(self) -> Iterator[Connection]:
        """A connection for one global read that needs no transaction (the key lookup).

        On PostgreSQL it runs in autocommit: no ``BEGIN`` and ``ROLLBACK``
        round trips around a single statement. SQLite's transactions are the
        library's own calls, and its connections must keep the transaction
        control ``db.engine`` gives them, so there it is a plain connection.
        """
        with self.engine.connect() as connection:
            if self.dialect == "postgresql":
                yield connection.execution_options(isolation_level="AUTOCOMMIT")
            else:
                yield connection

    def enable_group_commit(self, max_batch: int) -> None:
        """Let request write units share transactions (SQLite only; 0 turns it off)."""
        if self.group is not None:
            self.group.close()
            self.group = None
        if max_batch > 0 and self.dialect == "sqlite":
            self.group = GroupCommit(self.engine, max_batch=max_batch)

    def dispose(self) -> None:
        if self.group is not None:
            self.group.close()
        if self.replicas is not None:
            self.replicas.dispose()
        self.engine.dispose()
