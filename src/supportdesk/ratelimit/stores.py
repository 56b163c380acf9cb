"""Where buckets live: one interface, three stores.

- ``MemoryStore``: one process (unit tests).
- ``SqlStore``: a table, read and written in one locked transaction. On a
  small SQLite file of its own (``<data dir>/ratelimit.db``, WAL,
  ``BEGIN IMMEDIATE``) it is exact across the worker processes of one
  machine without taking the main database's write lock on every call; on
  PostgreSQL (a table in the ``ratelimit`` schema, a transaction-scoped
  advisory lock per bucket) it is exact across machines.
- ``RedisStore``: a Lua script, atomic in Redis; every key carries an expiry.

Each ``take`` returns the bucket's level (ticks) before the call and whether
tokens were taken; ``buckets.decide`` turns that into the decision.
"""

from __future__ import annotations

import fcntl
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import (
    BigInteger,
    Column,
    Engine,
    MetaData,
    String,
    Table,
    create_engine,
    delete,
    event,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from supportdesk.ratelimit.buckets import Bucket, Decision, Limit, ceil_div, take

COUNTER_SCHEMA = "ratelimit"
CLEANUP_EVERY = 1000

counter_metadata = MetaData()
buckets_table = Table(
    "buckets", counter_metadata,
    Column("name", String(200), primary_key=True),
    Column("level", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("signature", String(40), nullable=False),
    # When the bucket is full again: from then on the row says nothing.
    Column("expires_at", BigInteger, nullable=False),
    schema=COUNTER_SCHEMA,
)


class BucketStore(Protocol):
    """Atomic check-and-take on named buckets, shared by every process using it."""

    def take(self, name: str, limit: Limit, cost: int, now: int) -> Decision:
        """Take ``cost`` tokens if there (``cost`` 0 only looks)."""
        ...

    def reset(self, names: list[str]) -> None:
        """Forget buckets: they are full again."""
        ...

    def close(self) -> None: ...


class MemoryStore:
    """Buckets in a dict: exact within one process only."""

    def __init__(self) -> None:
        self.buckets: dict[str, Bucket] = {}
        self._lock = threading.Lock()

    def take(self, name: str, limit: Limit, cost: int, now: int) -> Decision:
        with self._lock:
            decision, stored = take(self.buckets.get(name), limit, cost, now)
            if stored is not None:
                self.buckets[name] = stored
        return decision

    def reset(self, names: list[str]) -> None:
        with self._lock:
            for name in names:
                self.buckets.pop(name, None)

    def close(self) -> None:
        self.buckets.clear()


def local_engine(path: Path) -> Engine:
    """The counter file's engine: WAL, and ``BEGIN IMMEDIATE`` for writers.

    ``synchronous=NORMAL``: a power cut may forget the last counts, which
    at worst gives a key a few calls back; not worth an fsync per call.

    Every worker opens the file on its first call, often at the same moment.
    Switching a new file to WAL and creating the table take locks that
    SQLite's busy timeout does not wait for ("database is locked" at once),
    so that first-time setup runs under an exclusive ``flock`` on a sidecar
    file: one process sets the file up, the others wait and find it ready.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(f"sqlite:///{path}",
                           connect_args={"timeout": 30, "check_same_thread": False},
                           pool_size=5, max_overflow=20)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    engine = engine.execution_options(schema_translate_map={COUNTER_SCHEMA: None})
    with _setup_lock(path):
        with closing(sqlite3.connect(path, timeout=30)) as raw:
            raw.execute("PRAGMA journal_mode=WAL")
        with engine.execution_options(sqlite_begin="IMMEDIATE").begin() as connection:
            counter_metadata.create_all(connection)
    return engine


@contextmanager
def _setup_lock(path: Path) -> Iterator[None]:
    """An exclusive lock between processes, held while ``path`` is set up."""
    with open(path.with_name(path.name + ".setup-lock"), "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class SqlStore:
    """Buckets as rows, each take in one transaction holding the bucket's lock."""

    def __init__(self, engine: Engine, *, prefix: str = "") -> None:
        self.engine = engine
        self.prefix = prefix
        self.is_postgres = engine.dialect.name == "postgresql"
        self._takes = 0

    def take(self, name: str, limit: Limit, cost: int, now: int) -> Decision:
        key = self.prefix + name
        engine = self._engine_now()
        bind = engine if cost == 0 else engine.execution_options(sqlite_begin="IMMEDIATE")
        return self._take(bind, key, limit, cost, now)

    def _take(self, bind: Engine, key: str, limit: Limit, cost: int, now: int) -> Decision:
        with bind.begin() as connection:
            if self.is_postgres and cost > 0:
                connection.execute(select(func.pg_advisory_xact_lock(
                    func.hashtextextended(key, 0))))
            row = connection.execute(
                select(buckets_table.c.level, buckets_table.c.updated_at,
                       buckets_table.c.signature).where(buckets_table.c.name == key)
            ).first()
            state = Bucket(int(row.level), int(row.updated_at), str(row.signature)) \
                if row is not None else None
            decision, stored = take(state, limit, cost, now)
            if stored is not None:
                values = {
                    "level": stored.level, "updated_at": stored.updated_at,
                    "signature": stored.signature,
                    "expires_at": now + ceil_div(limit.full - stored.level, limit.capacity),
                }
                insert = pg_insert if self.is_postgres else sqlite_insert
                connection.execute(
                    insert(buckets_table).values(name=key, **values)
                    .on_conflict_do_update(index_elements=["name"], set_=values)
                )
                self._takes += 1
                if self._takes % CLEANUP_EVERY == 0:
                    connection.execute(delete(buckets_table)
                                       .where(buckets_table.c.expires_at < now))
        return decision

    def _engine_now(self) -> Engine:
        return self.engine

    def reset(self, names: list[str]) -> None:
        with self._engine_now().execution_options(sqlite_begin="IMMEDIATE").begin() \
                as connection:
            connection.execute(delete(buckets_table).where(
                buckets_table.c.name.in_([self.prefix + name for name in names])))

    def clear(self) -> None:
        """Forget every bucket under this store's prefix (tests, operators)."""
        with self._engine_now().execution_options(sqlite_begin="IMMEDIATE").begin() \
                as connection:
            connection.execute(delete(buckets_table).where(
                buckets_table.c.name.startswith(self.prefix, autoescape=True)))

    def close(self) -> None:
        if not self.is_postgres:
            self.engine.dispose()


class LocalStore(SqlStore):
    """``SqlStore`` on its own SQLite file, created by the first take that stores.

    Until then a look answers "full" without touching the disk, so a
    deployment whose keys are all unlimited never writes the file.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self.prefix = ""
        self.is_postgres = False
        self._takes = 0

    def _engine_now(self) -> Engine:
        with self._lock:
            if self._engine is None:
                self._engine = local_engine(self.path)
            return self._engine

    def take(self, name: str, limit: Limit, cost: int, now: int) -> Decision:
        if cost == 0 and self._engine is None and not self.path.exists():
            return take(None, limit, 0, now)[0]
        return super().take(name, limit, cost, now)

    def reset(self, names: list[str]) -> None:
        if self._engine is not None or self.path.exists():
            super().reset(names)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


# KEYS[1] the bucket; ARGV capacity, window, cost, now, signature.
# Returns {taken (0/1), level before the call, the time it was counted at}.
# Mirrors buckets.take, including that a bucket's time never runs backwards.
TAKE_SCRIPT = """
local capacity = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local full = capacity * window
local level = full
local stored = redis.call('HMGET', KEYS[1], 'level', 'updated', 'sig')
if stored[1] and stored[3] == ARGV[5] then
  local updated = tonumber(stored[2])
  if now < updated then now = updated end
  level = math.min(full, tonumber(stored[1]) + (now - updated) * capacity)
end
local need = cost * window
if need > level or cost == 0 then
  return {0, level, now}
end
local after = level - need
redis.call('HSET', KEYS[1], 'level', after, 'updated', now, 'sig', ARGV[5])
local seconds_to_full = math.ceil((full - after) / capacity)
redis.call('PEXPIRE', KEYS[1], (seconds_to_full + 1) * 1000)
return {1, level, now}
"""


class RedisStore:
    """Buckets as Redis hashes, taken by one Lua script (atomic, always expiring)."""

    def __init__(self, client: Any, *, prefix: str) -> None:
        self.client = client
        self.prefix = prefix
        self._script = client.register_script(TAKE_SCRIPT)

    @classmethod
    def from_url(cls, url: str, *, prefix: str) -> RedisStore:
        import redis  # noqa: PLC0415  (only deployments with Redis load the client)

        client = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        return cls(client, prefix=prefix)

    def take(self, name: str, limit: Limit, cost: int, now: int) -> Decision:
        _taken, level, counted_at = self._script(
            keys=[self.prefix + name],
            args=[limit.capacity, limit.window, cost, now, limit.signature],
        )
        return take(Bucket(int(level), int(counted_at), limit.signature), limit, cost,
                    int(counted_at))[0]

    def reset(self, names: list[str]) -> None:
        if names:
            self.client.delete(*[self.prefix + name for name in names])

    def clear(self) -> None:
        """Forget every bucket under this store's prefix (tests, operators)."""
        keys = list(self.client.scan_iter(match=self.prefix + "*", count=500))
        if keys:
            self.client.delete(*keys)

    def close(self) -> None:
        self.client.close()
