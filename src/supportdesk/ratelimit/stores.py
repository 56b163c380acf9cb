"""Where counters live: one interface, three stores.

- ``MemoryStore``: one process (unit tests).
- ``SqlStore``: a table, read and written in one locked transaction. On a
  small SQLite file of its own (``<data dir>/ratelimit.db``, WAL,
  ``BEGIN IMMEDIATE``) it is exact across the worker processes of one
  machine without taking the main database's write lock on every call; on
  PostgreSQL (a table in the ``ratelimit`` schema, a transaction-scoped
  advisory lock per counter) it is exact across machines.
- ``RedisStore``: a Lua script, atomic in Redis; every key carries an expiry.

Every store keeps one ``buckets.Window`` per counter (a row, or a Redis
hash) and decides with ``buckets.take``, the one copy of the arithmetic
(Redis's script mirrors it).
"""

from __future__ import annotations

import fcntl
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from supportdesk.ratelimit.buckets import (
    Decision,
    Limit,
    Window,
    decode_slots,
    encode_slots,
    expires_at,
    take,
)

COUNTER_SCHEMA = "ratelimit"
CLEANUP_EVERY = 1000
# The token-bucket table of earlier versions; the local file drops it on setup.
OLD_TABLE = "buckets"

counter_metadata = MetaData()
windows_table = Table(
    "windows", counter_metadata,
    Column("name", String(200), primary_key=True),
    # buckets.encode_slots: at most 62 "slot:units" pairs.
    Column("slots", Text, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("signature", String(40), nullable=False),
    # When the newest slot leaves the window: from then on the row says nothing.
    Column("expires_at", BigInteger, nullable=False),
    schema=COUNTER_SCHEMA,
)


class BucketStore(Protocol):
    """Atomic check-and-take on named counters, shared by every process using it."""

    def take(self, name: str, limit: Limit, cost: int, now: int) -> Decision:
        """Take ``cost`` units if they fit in the window (``cost`` 0 only looks)."""
        ...

    def look(self, name: str, limit: Limit, cost: int, now: int) -> Decision:
        """What ``take`` would answer for ``cost``, taking nothing."""
        ...

    def reset(self, names: list[str]) -> None:
        """Forget counters: nothing is counted in their windows any more."""
        ...

    def close(self) -> None: ...


class MemoryStore:
    """Windows in a dict: exact within one process only."""

    def __init__(self) -> None:
        self.windows: dict[str, Window] = {}
        self._lock = threading.Lock()

    def take(self, name: str, limit: Limit, cost: int, now: int) -> Decision:
        with self._lock:
            decision, stored = take(self.windows.get(name), limit, cost, now)
            if stored is not None:
                self.windows[name] = stored
        return decision

    def look(self, name: str, limit: Limit, cost: int, now: int) -> Decision:
        with self._lock:
            return take(self.windows.get(name), limit, cost, now)[0]

    def reset(self, names: list[str]) -> None:
        with self._lock:
            for name in names:
                self.windows.pop(name, None)

    def close(self) -> None:
        self.windows.clear()


def local_engine(path: Path) -> Engine:
    """The counter file's engine: WAL, and ``BEGIN IMMEDIATE`` for writers.

    ``synchronous=NORMAL``: a power cut may forget the last counts, which
    at worst gives a key a few calls back; not worth an fsync per call.

    Every worker opens the file on its first call, often at the same moment.
    Switching a new file to WAL and creating the table take locks that
    SQLite's busy timeout does not wait for ("database is locked" at once),
    so that first-time setup runs under an exclusive ``flock`` on a sidecar
    file: one process sets the file up, the others wait and find it ready.
    A file from an earlier version loses its token-bucket table (counters
    are disposable: its keys start with nothing counted).
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
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {OLD_TABLE}")
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
    """Windows as rows, each take in one transaction holding the counter's lock."""

    def __init__(self, engine: Engine, *, prefix: str = "") -> None:
        self.engine = engine
        self.prefix = prefix
        self.is_postgres = engine.dialect.name == "postgresql"
        self._takes = 0

    def take(self, name: str, limit: Limit, cost: int, now: int) -> Decision:
        if cost == 0:
            return self.look(name, limit, 0, now)
        key = self.prefix + name
        with self._engine_now().execution_options(sqlite_begin="IMMEDIATE").begin() \
                as connection:
            if self.is_postgres:
                connection.execute(select(func.pg_advisory_xact_lock(
                    func.hashtextextended(key, 0))))
            decision, stored = take(self._read(connection, key), limit, cost, now)
            if stored is not None:
                self._write(connection, key, stored, expires_at(stored, limit))
        return decision

    def look(self, name: str, limit: Limit, cost: int, now: int) -> Decision:
        with self._engine_now().begin() as connection:
            return take(self._read(connection, self.prefix + name), limit, cost, now)[0]

    def window(self, name: str) -> Window | None:
        """The stored window of counter ``name``, as it is (tests, operators)."""
        with self._engine_now().begin() as connection:
            return self._read(connection, self.prefix + name)

    @staticmethod
    def _read(connection: Connection, key: str) -> Window | None:
        row = connection.execute(
            select(windows_table.c.slots, windows_table.c.updated_at,
                   windows_table.c.signature).where(windows_table.c.name == key)
        ).first()
        if row is None:
            return None
        return Window(slots=decode_slots(str(row.slots)), updated_at=int(row.updated_at),
                      signature=str(row.signature))

    def _write(self, connection: Connection, key: str, stored: Window, expiry: int) -> None:
        values = {"slots": encode_slots(stored.slots), "updated_at": stored.updated_at,
                  "signature": stored.signature, "expires_at": expiry}
        insert = pg_insert if self.is_postgres else sqlite_insert
        connection.execute(insert(windows_table).values(name=key, **values)
                           .on_conflict_do_update(index_elements=["name"], set_=values))
        self._takes += 1
        if self._takes % CLEANUP_EVERY == 0:
            connection.execute(delete(windows_table)
                               .where(windows_table.c.expires_at <= stored.updated_at))

    def _engine_now(self) -> Engine:
        return self.engine

    def reset(self, names: list[str]) -> None:
        with self._engine_now().execution_options(sqlite_begin="IMMEDIATE").begin() \
                as connection:
            connection.execute(delete(windows_table).where(
                windows_table.c.name.in_([self.prefix + name for name in names])))

    def clear(self) -> None:
        """Forget every counter under this store's prefix (tests, operators)."""
        with self._engine_now().execution_options(sqlite_begin="IMMEDIATE").begin() \
                as connection:
            connection.execute(delete(windows_table).where(
                windows_table.c.name.startswith(self.prefix, autoescape=True)))

    def close(self) -> None:
        if not self.is_postgres:
            self.engine.dispose()


class LocalStore(SqlStore):
    """``SqlStore`` on its own SQLite file, created by the first take that stores.

    Until then a look answers "nothing counted" without touching the disk,
    so a deployment whose keys are all unlimited never writes the file.
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

    def look(self, name: str, limit: Limit, cost: int, now: int) -> Decision:
        if self._engine is None and not self.path.exists():
            return take(None, limit, cost, now)[0]
        return super().look(name, limit, cost, now)

    def reset(self, names: list[str]) -> None:
        if self._engine is not None or self.path.exists():
            super().reset(names)

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()


# KEYS[1] the counter: a hash of slot number -> units, plus 'sig' and 'at'.
# ARGV capacity, window, slot seconds, cost, now, signature.
# Mirrors buckets.take step by step (the tests run both on the same sequences):
# the time never runs backwards, slots that left the window do not count, a take
# that does not fit (or a cost of 0) changes nothing. A take that fits drops the
# slots that left, adds its cost to its slot, and sets the key to expire when
# that slot leaves the window: no key without an expiry.
# Returns {taken (0/1), the time counted at, the expiry set in ms (0: none),
# then slot, units, ... of the slots counted before the take, oldest first}.
TAKE_SCRIPT = """
local capacity = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local slot_seconds = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local now = tonumber(ARGV[5])
local signature = ARGV[6]
local fields = redis.call('HGETALL', KEYS[1])
local stored_signature = nil
local stored_at = nil
local slots = {}
for i = 1, #fields, 2 do
  local field = fields[i]
  if field == 'sig' then
    stored_signature = fields[i + 1]
  elseif field == 'at' then
    stored_at = tonumber(fields[i + 1])
  else
    slots[#slots + 1] = {tonumber(field), tonumber(fields[i + 1])}
  end
end
local same_limit = stored_signature == signature
if same_limit and stored_at ~= nil and now < stored_at then now = stored_at end
table.sort(slots, function(a, b) return a[1] < b[1] end)
local counted = {}
local gone = {}
local used = 0
for _, pair in ipairs(slots) do
  if same_limit and (pair[1] + 1) * slot_seconds + window > now then
    counted[#counted + 1] = pair[1]
    counted[#counted + 1] = pair[2]
    used = used + pair[2]
  else
    gone[#gone + 1] = tostring(pair[1])
  end
end
if cost == 0 or used + cost > capacity then
  return {0, now, 0, unpack(counted)}
end
if not same_limit then
  redis.call('DEL', KEYS[1])
elseif #gone > 0 then
  redis.call('HDEL', KEYS[1], unpack(gone))
end
local slot = math.floor(now / slot_seconds)
redis.call('HINCRBY', KEYS[1], tostring(slot), cost)
redis.call('HSET', KEYS[1], 'sig', signature, 'at', now)
local expiry = ((slot + 1) * slot_seconds + window - now) * 1000
redis.call('PEXPIRE', KEYS[1], expiry)
return {1, now, expiry, unpack(counted)}
"""


@dataclass(frozen=True)
class ScriptAnswer:
    """What one run of ``TAKE_SCRIPT`` said (see the script's comment)."""

    taken: bool
    counted_at: int
    expiry_ms: int
    counted: Window


class RedisStore:
    """Windows as Redis hashes, taken by one Lua script (atomic, always expiring)."""

    def __init__(self, client: Any, *, prefix: str) -> None:
        self.client = client
        self.prefix = prefix
        self._script = client.register_script(TAKE_SCRIPT)

    @classmethod
    def from_url(cls, url: str, *, prefix: str) -> RedisStore:
        import redis  # noqa: PLC0415  (only deployments with Redis load the client)

        client = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        return cls(client, prefix=prefix)

    def run_script(self, name: str, limit: Limit, cost: int, now: int) -> ScriptAnswer:
        """Run the take script once (``take`` reads its answer; tests compare it)."""
        taken, at, expiry, *flat = self._script(
            keys=[self.prefix + name],
            args=[limit.capacity, limit.window, limit.slot_seconds, cost, now,
                  limit.signature],
        )
        slots = tuple((int(flat[i]), int(flat[i + 1])) for i in range(0, len(flat), 2))
        return ScriptAnswer(taken=bool(taken), counted_at=int(at), expiry_ms=int(expiry),
                            counted=Window(slots, int(at), limit.signature))

    def take(self, name: str, limit: Limit, cost: int, now: int) -> Decision:
        if cost == 0:
            return self.look(name, limit, 0, now)
        answer = self.run_script(name, limit, cost, now)
        decision = take(answer.counted, limit, cost, answer.counted_at)[0]
        if decision.allowed != answer.taken:
            raise RuntimeError(f"the rate-limit script and buckets.take disagree on {name!r}")
        return decision

    def look(self, name: str, limit: Limit, cost: int, now: int) -> Decision:
        return take(self.window(name), limit, cost, now)[0]

    def window(self, name: str) -> Window | None:
        """The stored window of counter ``name``, as it is (tests, operators)."""
        fields = {key.decode(): value.decode()
                  for key, value in self.client.hgetall(self.prefix + name).items()}
        if "sig" not in fields:
            return None
        slots = sorted((int(slot), int(units)) for slot, units in fields.items()
                       if slot not in ("sig", "at"))
        return Window(slots=tuple(slots), updated_at=int(fields["at"]),
                      signature=fields["sig"])

    def reset(self, names: list[str]) -> None:
        if names:
            self.client.delete(*[self.prefix + name for name in names])

    def clear(self) -> None:
        """Forget every counter under this store's prefix (tests, operators)."""
        keys = list(self.client.scan_iter(match=self.prefix + "*", count=500))
        if keys:
            self.client.delete(*keys)

    def close(self) -> None:
        self.client.close()
