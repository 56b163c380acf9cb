"""Group commit on SQLite: many request units' writes, one fsync.

With ``synchronous=FULL`` SQLite syncs its log on every commit, and it has
one writer at a time, so one transaction per request caps a worker at the
disk's commits per second however little each request writes. Here the
write units of one process take turns on one connection, each in a
savepoint of a shared transaction:

- a unit takes the turn when it first needs the database (the first unit
  of a batch opens the transaction: ``BEGIN IMMEDIATE``);
- its commit releases its savepoint, hands the turn to the next unit
  waiting, and then waits until the shared transaction has committed;
- whoever ends a turn with no unit waiting (or with ``max_batch`` units in
  the transaction) commits it, once, for everyone, and wakes them.

So a unit's ``commit()`` returns only after its writes are durable, as
before; a failed unit rolls back its savepoint and leaves the others
alone; if the shared COMMIT fails, every unit in it gets the error and
none of them was acknowledged. While units keep arriving a batch grows,
so the fsync is paid once per batch instead of once per request.

Only this process's write units share a transaction; the other worker
processes, the CLI and the other writers of this process (the
``Idempotency-Key`` records, provisioning) still queue for SQLite's lock,
taking the process's writer turn (``db.engine.writer_turn``) like any
writer.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy import Connection, Engine, RootTransaction
from sqlalchemy.orm import Session

from supportdesk.db.engine import MANAGES_TURN, writer_turn

log = logging.getLogger("supportdesk.db")

DEFAULT_MAX_BATCH = 32
# How long a unit waits for its turn, or a writer turn for the batch: SQLite's busy timeout.
WAIT_SECONDS = 30.0


class BatchFailed(RuntimeError):
    """The shared transaction holding this unit's writes did not commit."""


class _Pending:
    """A unit whose savepoint was released, waiting for its batch's COMMIT."""

    def __init__(self) -> None:
        self._done = threading.Event()
        self.error: BaseException | None = None

    def finish(self, error: BaseException | None) -> None:
        self.error = error
        self._done.set()

    def wait(self) -> None:
        self._done.wait()
        if self.error is not None:
            raise BatchFailed("the transaction holding this change failed to commit; "
                              "nothing of it was stored") from self.error


class GroupCommit:
    """The turns and the shared transaction of one process's SQLite write units."""

    def __init__(self, engine: Engine, *, max_batch: int = DEFAULT_MAX_BATCH) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self.engine = engine.execution_options(sqlite_begin="IMMEDIATE", **{MANAGES_TURN: True})
        self.max_batch = max_batch
        self._writer_turn = writer_turn(engine)
        self._condition = threading.Condition()
        self._holder: object | None = None
        self._waiting = 0
        self._connection: Connection | None = None
        self._transaction: RootTransaction | None = None
        self._batch: list[_Pending] = []
        # Batches committed and units in them, for tests and the logs.
        self.batches = 0
        self.units = 0

    @property
    def waiting(self) -> int:
        """Units waiting for the turn now."""
        with self._condition:
            return self._waiting

    # -- a unit's turn -------------------------------------------------------------------

    def begin(self, owner: object) -> Session:
        """Wait for the turn, then a session in a savepoint of the shared transaction.

        ``owner`` (the unit) holds the turn until it calls ``end``.
        """
        with self._condition:
            self._waiting += 1
            try:
                if not self._condition.wait_for(lambda: self._holder is None,
                                                timeout=WAIT_SECONDS):
                    raise TimeoutError("timed out waiting for the database write turn")
            finally:
                self._waiting -= 1
            self._holder = owner
        try:
            if self._transaction is None:
                self._open()
            assert self._connection is not None
            return Session(bind=self._connection, join_transaction_mode="create_savepoint",
                           expire_on_commit=False, autoflush=True)
        except BaseException:
            self._end_turn(owner, committed=False)
            raise

    def end(self, owner: object, session: Session, *, committed: bool) -> None:
        """End ``owner``'s turn after its ``session`` committed (or not) its savepoint.

        A committed unit returns once the shared transaction is durable, and
        raises ``BatchFailed`` if that COMMIT failed.
        """
        try:
            session.close()  # rolls an uncommitted savepoint back
        except Exception:
            # The savepoint is gone with the transaction (SQLite ended it):
            # the turn ends all the same, and _end_turn sees the transaction gone.
            log.warning("closing a group unit's session failed", exc_info=True)
        pending = self._end_turn(owner, committed=committed)
        if pending is not None:
            pending.wait()

    # -- the shared transaction ----------------------------------------------------------

    def _open(self) -> None:
        if not self._writer_turn.acquire(timeout=WAIT_SECONDS):
            raise TimeoutError("timed out waiting for this process's other database writers")
        try:
            if self._connection is None:
                self._connection = self.engine.connect()
            self._transaction = self._connection.begin()
        except BaseException:
            self._writer_turn.release()
            raise

    def _end_turn(self, owner: object, *, committed: bool) -> _Pending | None:
        pending = _Pending() if committed else None
        with self._condition:
            if self._holder is not owner:
                raise RuntimeError("a unit ended a turn it does not hold")
            if self._transaction is not None and not self._transaction_alive():
                self._abandon_broken()
                if pending is not None:
                    pending.finish(RuntimeError("SQLite rolled the transaction back"))
            elif pending is not None:
                self._batch.append(pending)
            finish_now = self._transaction is not None and (
                self._waiting == 0 or len(self._batch) >= self.max_batch)
            if not finish_now:
                self._holder = None
                self._condition.notify_all()
                return pending
        # Still the holder: nobody else touches the connection during the COMMIT.
        self._commit_batch()
        return pending

    def _commit_batch(self) -> None:
        batch, self._batch = self._batch, []
        error: BaseException | None = None
        transaction = self._transaction
        try:
            if transaction is not None:
                transaction.commit()
        except BaseException as failure:  # the units hear of it; this thread carries on
            error = failure
            log.exception("a group commit of %d change(s) failed", len(batch))
            self._discard_connection()
        finally:
            self._transaction = None
            self._writer_turn.release()
            with self._condition:
                if batch and error is None:
                    self.batches += 1
                    self.units += len(batch)
                self._holder = None
                self._condition.notify_all()
        for pending in batch:
            pending.finish(error)

    def _transaction_alive(self) -> bool:
        """Whether SQLite still holds the shared transaction (errors like SQLITE_FULL end it)."""
        assert self._connection is not None
        raw: Any = self._connection.connection.dbapi_connection
        return bool(raw.in_transaction)

    def _abandon_broken(self) -> None:
        """SQLite ended the transaction on its own: the batch's writes are gone."""
        log.error("SQLite rolled back a group transaction of %d change(s)", len(self._batch))
        lost = RuntimeError("SQLite rolled the transaction back")
        for pending in self._batch:
            pending.finish(lost)
        self._batch = []
        self._discard_connection()
        self._transaction = None
        self._writer_turn.release()

    def _discard_connection(self) -> None:
        """Roll back whatever SQLite still holds and drop the connection.

        A COMMIT that failed (a deferred constraint, an I/O error) may leave
        SQLite's transaction open and SQLAlchemy's view of it stale; the next
        batch starts on a fresh connection instead.
        """
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            raw: Any = connection.connection.dbapi_connection
            if raw is not None and raw.in_transaction:
                raw.rollback()
        except Exception:  # the connection is unusable anyway
            log.debug("rollback after a failed group transaction", exc_info=True)
        try:
            connection.invalidate()
            connection.close()
        except Exception:
            log.debug("closing a failed group connection", exc_info=True)

    def close(self) -> None:
        """Give the connection back (no batch may be open)."""
        with self._condition:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
