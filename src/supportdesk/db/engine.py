"""Engine construction with the per-dialect settings the service relies on."""

from __future__ import annotations

import sqlite3
import threading
import weakref
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

# The page cache of each SQLite connection when the caller does not say (MB).
DEFAULT_SQLITE_CACHE_MB = 4
# How long a writer waits for this process's other writers: busy_timeout's 30 s.
_WRITER_WAIT_SECONDS = 30.0
_HOLDS_TURN = "supportdesk_holds_writer_turn"
# Execution option of a connection that takes the writer turn itself
# (``db.group_commit``): its BEGIN IMMEDIATE must not take it again.
MANAGES_TURN = "supportdesk_manages_writer_turn"
_writer_turns: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()


def writer_turn(engine: Engine) -> threading.Lock:
    """The lock this process's SQLite writers take, in order, before SQLite's own."""
    return _writer_turns[engine]


def make_engine(url: str, *, pool_size: int = 10,
                sqlite_cache_mb: int = DEFAULT_SQLITE_CACHE_MB) -> Engine:
    """Create the engine for ``url``.

    SQLite runs in WAL mode with foreign keys on and ``synchronous=FULL``:
    an acknowledged write survives a crash. Its transactions are opened by us
    (``BEGIN`` or ``BEGIN IMMEDIATE``, see ``db.session``) so a writer takes
    the write lock up front instead of failing to upgrade a read lock later.

    ``sqlite_cache_mb`` is each connection's private page cache: a worker
    holds up to ``2 * pool_size`` connections, so it multiplies into the
    worker's memory, while a page missing from it is only a read from the
    OS file cache.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": 30, "check_same_thread": False},
            pool_size=pool_size,
            max_overflow=pool_size,
            json_serializer=_json_text,
            json_deserializer=orjson.loads,
        )
        _configure_sqlite(engine, cache_kib=sqlite_cache_mb * 1024)
        return engine
    engine = create_engine(
        url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True,
        json_serializer=_json_text, json_deserializer=orjson.loads,
    )
    _configure_postgresql(engine)
    return engine


def _json_text(value: Any) -> str:
    """JSON columns through orjson: every list row decodes three of them."""
    return orjson.dumps(value).decode()


def _configure_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # psycopg prepares a statement on its fifth run on a connection, and the
        # list and details keep theirs (``TenantUnit.end_reads``). A prepared
        # statement may get a generic plan, made without its values: after five
        # calls for common values PostgreSQL can settle on a plan that is slow
        # for a rare one. Every statement is planned for its values, as it was
        # when nothing stayed prepared; what stays saved is parsing and
        # analysing it. Committed, or the setting would end with the
        # transaction psycopg opened for it.
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET plan_cache_mode = force_custom_plan")
        dbapi_connection.commit()


def _configure_sqlite(engine: Engine, *, cache_kib: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to the "begin" hook below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA temp_store=MEMORY")
        # Negative: a size in KiB rather than in pages.
        cursor.execute(f"PRAGMA cache_size=-{int(cache_kib)}")
        cursor.close()

    # Writers of this process queue here, in order, before SQLite's lock: a
    # thread waiting in SQLite's busy handler sleeps in growing steps (up to
    # 100 ms) and leaves the lock idle after it frees, which under concurrent
    # creates costs more than the commit itself. So only one writer per process
    # waits in the busy handler (for other processes' writers). The turn is
    # taken at BEGIN IMMEDIATE and given back when the connection returns to
    # the pool, that is after its COMMIT or ROLLBACK has finished.
    turn = _writer_turns[engine] = threading.Lock()

    def _release_turn(record_info: dict[Any, Any]) -> None:
        if record_info.pop(_HOLDS_TURN, False):
            turn.release()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        mode = options.get("sqlite_begin", "DEFERRED")
        record_info = conn.connection.record_info
        if mode != "DEFERRED" and not options.get(MANAGES_TURN) \
                and not record_info.get(_HOLDS_TURN):
            if not turn.acquire(timeout=_WRITER_WAIT_SECONDS):
                raise sqlite3.OperationalError("database is locked")
            record_info[_HOLDS_TURN] = True
        conn.exec_driver_sql(f"BEGIN {mode}")

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        _release_turn(record.record_info)

    @event.listens_for(engine, "invalidate")
    def _on_invalidate(_dbapi_connection: Any, record: Any, _error: Any) -> None:
        _release_turn(record.record_info)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
