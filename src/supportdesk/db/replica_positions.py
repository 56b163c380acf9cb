"""Where read-your-writes positions live: the primary's WAL position per API key.

After a key's write commits, the router records how far the primary's WAL
had got (an LSN, as a 64-bit integer); a lag-tolerant read for that key may
go to a replica only once the replica has replayed past it. The position
must be seen by whichever process (and machine) serves the key's next
request, so the store is shared:

- ``RedisPositionStore``: Redis, exact across machines; every key expires.
- ``LocalPositionStore``: a small SQLite file (``<data dir>/replica_positions.db``),
  exact across the worker processes of one machine only.
- ``MemoryPositionStore``: one process (unit tests).

A position only ever moves forward (``advance`` keeps the larger of the old
and new), so two writes of one key recorded out of order cannot lower it.
"""

from __future__ import annotations

import fcntl
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any, Protocol

LOCAL_FILE = "replica_positions.db"
REDIS_PREFIX = "supportdesk:rw:"
CLEANUP_EVERY = 1000


class PositionStore(Protocol):
    """Per-key WAL positions, shared by every process that serves the keys."""

    def advance(self, key: str, lsn: int, *, ttl_seconds: int, now: int) -> None:
        """Raise ``key``'s position to ``lsn`` (never lower it); forget it after the TTL."""
        ...

    def get(self, key: str, *, now: int) -> int | None:
        """``key``'s position, or None when it has none (or it expired)."""
        ...

    def close(self) -> None: ...


class MemoryPositionStore:
    """Positions in a dict: exact within one process only."""

    def __init__(self) -> None:
        self.positions: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def advance(self, key: str, lsn: int, *, ttl_seconds: int, now: int) -> None:
        with self._lock:
            current = self.positions.get(key)
            highest = max(lsn, current[0]) if current is not None else lsn
            self.positions[key] = (highest, now + ttl_seconds)

    def get(self, key: str, *, now: int) -> int | None:
        with self._lock:
            current = self.positions.get(key)
        if current is None or current[1] <= now:
            return None
        return current[0]

    def close(self) -> None:
        self.positions.clear()


class LocalPositionStore:
    """Positions in a SQLite file of their own, shared by one machine's workers.

    The file is set up once per process under an exclusive ``flock``: switching
    a new file to WAL takes locks SQLite's busy timeout does not wait for, and
    workers often start together (as in ``ratelimit.stores.local_engine``).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._is_ready = False
        self._advances = 0

    def advance(self, key: str, lsn: int, *, ttl_seconds: int, now: int) -> None:
        with self._connect() as connection:
            connection.execute(
                "INSERT INTO positions (key, lsn, expires_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET lsn = max(lsn, excluded.lsn), "
                "expires_at = excluded.expires_at",
                (key, lsn, now + ttl_seconds),
            )
            self._advances += 1
            if self._advances % CLEANUP_EVERY == 0:
                connection.execute("DELETE FROM positions WHERE expires_at <= ?", (now,))

    def get(self, key: str, *, now: int) -> int | None:
        with self._connect() as connection:
            row = connection.execute(
                "SELECT lsn FROM positions WHERE key = ? AND expires_at > ?", (key, now)
            ).fetchone()
        return int(row[0]) if row is not None else None

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if not self._is_ready:
                self._set_up()
                self._is_ready = True
        with closing(sqlite3.connect(self.path, timeout=30)) as connection:
            # A lost position after a power cut at worst sends one read to a
            # replica early; not worth an fsync per write.
            connection.execute("PRAGMA synchronous=NORMAL")
            with connection:
                yield connection

    def _set_up(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".setup-lock"), "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                with closing(sqlite3.connect(self.path, timeout=30)) as connection:
                    connection.execute("PRAGMA journal_mode=WAL")
                    connection.execute(
                        "CREATE TABLE IF NOT EXISTS positions (key TEXT PRIMARY KEY, "
                        "lsn INTEGER NOT NULL, expires_at INTEGER NOT NULL)")
                    connection.commit()
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def close(self) -> None:
        return None


# KEYS[1] the key's position; ARGV the new position (16 hex digits, so string
# order is numeric order, beyond what a Lua number holds) and the TTL in ms.
ADVANCE_SCRIPT = """
local current = redis.call('GET', KEYS[1])
if (not current) or current < ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
else
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 1
"""


class RedisPositionStore:
    """Positions as Redis strings, raised by one Lua script, always expiring."""

    def __init__(self, client: Any, *, prefix: str = REDIS_PREFIX) -> None:
        self.client = client
        self.prefix = prefix
        self._script = client.register_script(ADVANCE_SCRIPT)

    @classmethod
    def from_url(cls, url: str) -> RedisPositionStore:
        import redis  # noqa: PLC0415  (only deployments with Redis load the client)

        client = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        return cls(client)

    def advance(self, key: str, lsn: int, *, ttl_seconds: int, now: int) -> None:
        self._script(keys=[self.prefix + key], args=[f"{lsn:016X}", ttl_seconds * 1000])

    def get(self, key: str, *, now: int) -> int | None:
        value = self.client.get(self.prefix + key)
        return int(value, 16) if value is not None else None

    def close(self) -> None:
        self.client.close()
