"""Read replicas: lag-tolerant reads on PostgreSQL streaming replicas.

Writes, and every read that must be current, go to the primary
(``Database.reader``/``writer``). A few reads tolerate a little lag (the
ticket list, ticket search, the contact and company lists); the HTTP layer
opens those through ``ReplicaRouter.read_session``, which picks a replica
when one can serve the caller correctly and the primary otherwise.

**Read your writes.** When a write transaction of an API key commits, the
router records the primary's WAL insert position right after the commit
(``pg_current_wal_insert_lsn()``, which is past the commit record even with
``synchronous_commit=off``) for that key in a shared ``PositionStore``. A
read for the key goes to a replica only when the replica has replayed at
least that far (``pg_last_wal_replay_lsn()``), so a key always sees its own
changes; other keys may see a replica's slightly older state. A replica's
replayed position is cached for a second: it only moves forward, so a cached
value that is far enough is proof; one that is not is checked again (at most
every 50 ms) before the read falls back to the primary.

**Failures never fail a read.** A replica that cannot be reached, or is no
longer a standby (promoted), is skipped for a few seconds and the read goes
to the primary; each is logged. Without a recorded position (the store is
unreachable) the read goes to the primary too.

See docs/deployment.md for the layout and the settings.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from supportdesk.clock import Clock, system_clock
from supportdesk.db.engine import make_engine
from supportdesk.db.replica_positions import (
    LOCAL_FILE,
    LocalPositionStore,
    PositionStore,
    RedisPositionStore,
)
from supportdesk.db.scoping import bind_tenant

if TYPE_CHECKING:
    from supportdesk.config import Settings
    from supportdesk.db.session import Database

log = logging.getLogger(__name__)

PRIMARY = "primary"
# How long a key's position is kept: a replica more than this far behind the
# primary is broken (monitor pg_stat_replication), not merely lagging.
POSITION_TTL_SECONDS = 3600
STATUS_TTL_SECONDS = 1.0
RECHECK_SECONDS = 0.05
DOWN_SECONDS = 5.0
# A replica machine that stops answering (rather than refusing connections)
# holds a read this long before it is skipped; the URL may set its own.
CONNECT_TIMEOUT_SECONDS = 2
# Recorded when the primary's position cannot be read after a commit: the
# key then reads from the primary until the position expires.
UNKNOWN_POSITION = 2**63 - 1

_INSERT_POSITION = text("SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint")
_REPLAY_POSITION = text(
    "SELECT pg_is_in_recovery(), "
    "COALESCE((pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint, 0)")


def writer_key(tenant_id: int, api_key_id: int) -> str:
    """The name a key's read-your-writes position is kept under."""
    return f"{tenant_id}:{api_key_id}"


@dataclass
class Replica:
    """One streaming replica: its engine and what we last learned about it."""

    name: str
    engine: Engine
    sessions: sessionmaker[Session]
    replayed: int = -1
    checked_at: float = float("-inf")
    down_until: float = float("-inf")
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def from_url(cls, url: str, *, pool_size: int = 10) -> Replica:
        """The replica at ``url``; connecting gives up after a few seconds unless it says."""
        parsed = make_url(url)
        if "connect_timeout" not in parsed.query:
            parsed = parsed.update_query_dict({"connect_timeout": str(CONNECT_TIMEOUT_SECONDS)})
        engine = make_engine(parsed.render_as_string(hide_password=False), pool_size=pool_size)
        return cls(name=make_url(url).render_as_string(hide_password=True), engine=engine,
                   sessions=sessionmaker(bind=engine, expire_on_commit=False))

    def can_serve(self, required: int | None, now: float) -> bool:
        """Whether this replica is up and has replayed at least ``required``."""
        with self._lock:
            if now < self.down_until:
                return False
            is_stale = now - self.checked_at >= STATUS_TTL_SECONDS
            is_behind = required is not None and self.replayed < required
            if is_stale or (is_behind and now - self.checked_at >= RECHECK_SECONDS):
                self._refresh(now)
            if now < self.down_until:
                return False
            return required is None or self.replayed >= required

    def _refresh(self, now: float) -> None:
        try:
            with self.engine.connect() as connection:
                in_recovery, replayed = connection.execute(_REPLAY_POSITION).one()
        except DBAPIError as error:
            self._mark_down(now, f"unreachable ({error.orig or error})")
            return
        self.checked_at = now
        if not in_recovery:
            self._mark_down(now, "not a standby (promoted?)")
            return
        self.replayed = int(replayed)

    def mark_down(self, reason: str) -> None:
        """Skip this replica for a few seconds (it failed a read's connection)."""
        with self._lock:
            self._mark_down(time.monotonic(), reason)

    def _mark_down(self, now: float, reason: str) -> None:
        self.down_until = now + DOWN_SECONDS
        self.checked_at = float("-inf")
        log.warning("replica %s is %s; reads go to the primary for %.0f s",
                    self.name, reason, DOWN_SECONDS)


class ReplicaRouter:
    """Sends lag-tolerant reads to replicas that can serve them, else the primary.

    ``served`` counts which database served each read (``"primary"`` or a
    replica's name), for operators and tests.
    """

    def __init__(self, *, primary_engine: Engine, primary_sessions: sessionmaker[Session],
                 replicas: list[Replica], positions: PositionStore,
                 clock: Clock = system_clock) -> None:
        self.primary_engine = primary_engine
        self.primary_sessions = primary_sessions
        self.replicas = replicas
        self.positions = positions
        self.clock = clock
        self.served: Counter[str] = Counter()
        self._turn = itertools.count()
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, *, replica_urls: list[str], redis_url: str | None,
                      data_dir: Path, primary_engine: Engine,
                      primary_sessions: sessionmaker[Session], pool_size: int = 10,
                      clock: Clock = system_clock) -> ReplicaRouter:
        """Replicas for ``replica_urls``; positions in Redis when given, else locally."""
        positions: PositionStore
        if redis_url:
            positions = RedisPositionStore.from_url(redis_url)
        else:
            positions = LocalPositionStore(data_dir / LOCAL_FILE)
        replicas = [Replica.from_url(url, pool_size=pool_size) for url in replica_urls]
        log.info("read replicas: %s; read-your-writes positions in %s",
                 ", ".join(r.name for r in replicas), "Redis" if redis_url else
                 "a local file (one machine only)")
        return cls(primary_engine=primary_engine, primary_sessions=primary_sessions,
                   replicas=replicas, positions=positions, clock=clock)

    def _now(self) -> int:
        return int(self.clock.now().replace(tzinfo=UTC).timestamp())

    def watch_writes(self, session: Session, key: str) -> None:
        """Record ``key``'s position after every commit of ``session``."""
        def after_commit(_session: Session) -> None:
            self.record_write(key)

        event.listen(session, "after_commit", after_commit)

    def record_write(self, key: str) -> None:
        """Note that ``key`` just committed: its next reads need the primary's position."""
        try:
            with self.primary_engine.connect() as connection:
                position = int(connection.execute(_INSERT_POSITION).scalar_one())
        except DBAPIError as error:
            log.error("cannot read the primary's WAL position after a commit (%s); "
                      "key %s reads from the primary for %d s", error.orig or error, key,
                      POSITION_TTL_SECONDS)
            position = UNKNOWN_POSITION
        try:
            self.positions.advance(key, position, ttl_seconds=POSITION_TTL_SECONDS,
                                   now=self._now())
        except Exception:
            log.exception("cannot record key %s's write position; its next reads may "
                          "come from a replica that has not replayed its write", key)

    def choose(self, key: str) -> Replica | None:
        """A replica that has replayed ``key``'s last write, or None for the primary."""
        if not self.replicas:
            return None
        try:
            required = self.positions.get(key, now=self._now())
        except Exception:
            log.exception("cannot read key %s's write position; reading from the primary",
                          key)
            return None
        now = time.monotonic()
        start = next(self._turn)
        for offset in range(len(self.replicas)):
            replica = self.replicas[(start + offset) % len(self.replicas)]
            if replica.can_serve(required, now):
                return replica
        return None

    @contextmanager
    def read_session(self, *, tenant_id: int, key: str) -> Iterator[Session]:
        """A tenant-scoped session for a lag-tolerant read by ``key``; never committed.

        The replica session connects (and binds the tenant for row-level
        security) before it is handed out, so a replica that went down since
        its last check sends this read to the primary instead of failing it.
        """
        session = self._replica_session(tenant_id, key)
        if session is None:
            session = self.primary_sessions()
            bind_tenant(session, tenant_id)
            self._count(PRIMARY)
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def _replica_session(self, tenant_id: int, key: str) -> Session | None:
        replica = self.choose(key)
        if replica is None:
            return None
        session = replica.sessions()
        bind_tenant(session, tenant_id)
        try:
            session.connection()
        except DBAPIError as error:
            session.close()
            replica.mark_down(f"unreachable ({error.orig or error})")
            return None
        self._count(replica.name)
        return session

    def _count(self, name: str) -> None:
        with self._lock:
            self.served[name] += 1

    def dispose(self) -> None:
        for replica in self.replicas:
            replica.engine.dispose()
        self.positions.close()



def attach_replicas(database: Database, settings: Settings, clock: Clock = system_clock) -> None:
    """Give ``database`` a router for the settings' replicas (none: nothing to do)."""
    if not settings.replica_urls or database.replicas is not None:
        return
    database.replicas = ReplicaRouter.from_settings(
        replica_urls=settings.replica_urls, redis_url=settings.redis_url,
        data_dir=settings.data_dir, primary_engine=database.engine,
        primary_sessions=database.reader, clock=clock)
