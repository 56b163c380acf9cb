"""Group commit (SQLite): write units share a transaction and its fsync.

Each unit is a savepoint; its ``commit()`` returns only once the shared
transaction is durable; a failed unit leaves the others alone; a failed
COMMIT fails every unit in it and stores none of them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from supportdesk.db.group_commit import BatchFailed, GroupCommit
from supportdesk.db.session import Database
from supportdesk.tickets.models import Ticket
from supportdesk.tickets.service import NewTicket, create_ticket
from supportdesk.unit import TenantUnit
from tests.factories import TenantFixture

pytestmark = pytest.mark.usefixtures("sqlite_only")


@pytest.fixture
def sqlite_only(database: Database) -> None:
    if database.dialect != "sqlite":
        pytest.skip("group commit is SQLite's: PostgreSQL syncs concurrent commits together")


@pytest.fixture
def group(database: Database) -> Iterator[GroupCommit]:
    committer = GroupCommit(database.engine, max_batch=8)
    yield committer
    committer.close()


def group_unit(tenant: TenantFixture, group: GroupCommit) -> TenantUnit:
    return TenantUnit(group=group, tenant_id=tenant.tenant_id, subdomain=tenant.subdomain,
                      catalog_version=_version(tenant), settings=tenant.settings,
                      storage=None, clock=tenant.clock)  # type: ignore[arg-type]


def _version(tenant: TenantFixture) -> int:
    with tenant.unit(write=False) as unit:
        return unit.catalog_version


def subjects(tenant: TenantFixture) -> list[str]:
    """What a separate connection sees: committed tickets only."""
    with tenant.unit(write=False) as unit:
        return sorted(unit.session.scalars(select(Ticket.subject)))


def create(unit: TenantUnit, subject: str) -> int:
    return create_ticket(unit, NewTicket(contact_email="someone@example.com",
                                         subject=subject)).ticket.number


def in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    """Run ``work`` in a thread; its result or exception lands in the list."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as error:  # handed to the test
            outcome.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_units_queued_behind_a_turn_commit_together(tenant: TenantFixture,
                                                    group: GroupCommit) -> None:
    first = group_unit(tenant, group)
    first.session  # noqa: B018 - takes the turn and opens the shared transaction
    second, second_outcome = in_thread(lambda: create(group_unit(tenant, group), "second"))
    third, third_outcome = in_thread(lambda: create(group_unit(tenant, group), "third"))
    wait_until(lambda: group.waiting == 2)
    first_number = create(first, "first")
    second.join(10)
    third.join(10)
    assert first_number == 1
    assert sorted([*second_outcome, *third_outcome]) == [2, 3]
    # One batch of three: the last unit of the queue committed for all of them.
    assert (group.batches, group.units) == (1, 3)
    assert subjects(tenant) == ["first", "second", "third"]


def test_a_commit_returns_only_once_its_batch_is_durable(tenant: TenantFixture,
                                                        group: GroupCommit) -> None:
    holder = group_unit(tenant, group)
    holder.session  # noqa: B018 - takes the turn
    waiting, outcome = in_thread(lambda: create(group_unit(tenant, group), "queued"))
    wait_until(lambda: group.waiting == 1)
    first, first_outcome = in_thread(lambda: create(holder, "held"))
    # "held" released its savepoint and handed the turn on: its commit waits
    # for the transaction, which "queued" commits when it ends its turn.
    first.join(10)
    waiting.join(10)
    assert first_outcome == [1]
    assert outcome == [2]
    assert subjects(tenant) == ["held", "queued"]
    assert (group.batches, group.units) == (1, 2)


def test_a_failed_unit_leaves_the_rest_of_its_batch(tenant: TenantFixture,
                                                    group: GroupCommit) -> None:
    holder = group_unit(tenant, group)
    holder.session  # noqa: B018 - takes the turn

    def fails() -> None:
        unit = group_unit(tenant, group)
        try:
            unit.session.add(Ticket(number=999, subject="never", status_id=-1))
            unit.session.flush()  # a foreign key the database refuses
        finally:
            unit.close()

    failing, failure = in_thread(fails)
    wait_until(lambda: group.waiting == 1)
    later, later_outcome = in_thread(lambda: create(group_unit(tenant, group), "later"))
    wait_until(lambda: group.waiting == 2)
    assert create(holder, "kept") == 1
    failing.join(10)
    later.join(10)
    assert [type(error) for error in failure] == [IntegrityError]
    assert later_outcome == [2]
    assert subjects(tenant) == ["kept", "later"]


def test_a_failed_commit_fails_every_unit_in_it_and_stores_none(
    tenant: TenantFixture, group: GroupCommit,
) -> None:
    holder = group_unit(tenant, group)
    # Foreign keys checked at COMMIT (for this transaction only): the row below
    # passes its statement and its savepoint, and makes the shared COMMIT fail.
    holder.session.execute(text("PRAGMA defer_foreign_keys = ON"))
    other, other_outcome = in_thread(lambda: create(group_unit(tenant, group), "other"))
    wait_until(lambda: group.waiting == 1)
    holder.session.add(Ticket(number=999, subject="orphan", description_html=None,
                              status_id=-1, priority=10, contact_id=-1, source=2,
                              created_at=tenant.clock.now(), updated_at=tenant.clock.now(),
                              conversation_count=0, custom_fields={}, watchers=[],
                              share_to=[]))
    with pytest.raises(BatchFailed, match="nothing of it was stored"):
        holder.commit()
    other.join(10)
    assert [type(error) for error in other_outcome] == [BatchFailed]
    assert subjects(tenant) == []
    assert (group.batches, group.units) == (0, 0)
    # The next unit starts a new transaction; the number the lost batch took
    # was rolled back with it.
    assert create(group_unit(tenant, group), "after") == 1
    assert subjects(tenant) == ["after"]


def test_a_transaction_sqlite_ended_fails_the_units_already_in_it(
    tenant: TenantFixture, group: GroupCommit,
) -> None:
    holder = group_unit(tenant, group)
    holder.session  # noqa: B018 - takes the turn

    def breaks() -> None:
        unit = group_unit(tenant, group)
        try:
            raw = unit.session.connection().connection.dbapi_connection
            assert raw is not None
            raw.execute("ROLLBACK")  # as SQLite does itself on SQLITE_FULL or IOERR
            raise RuntimeError("the statement failed")
        finally:
            unit.close()

    breaker, _ = in_thread(breaks)
    wait_until(lambda: group.waiting == 1)
    with pytest.raises(BatchFailed):
        create(holder, "gone")
    breaker.join(10)
    assert subjects(tenant) == []
    assert create(group_unit(tenant, group), "fresh") == 1
    assert subjects(tenant) == ["fresh"]


def test_a_batch_commits_when_it_is_full(tenant: TenantFixture, database: Database) -> None:
    group = GroupCommit(database.engine, max_batch=2)
    try:
        holder = group_unit(tenant, group)
        holder.session  # noqa: B018 - takes the turn
        threads = [in_thread(lambda i=i: create(group_unit(tenant, group), f"queued {i}"))
                   for i in range(2)]
        wait_until(lambda: group.waiting == 2)
        create(holder, "holder")
        for thread, _ in threads:
            thread.join(10)
        assert (group.batches, group.units) == (2, 3)
        assert subjects(tenant) == ["holder", "queued 0", "queued 1"]
    finally:
        group.close()


def test_many_concurrent_creates_number_one_to_n(tenant: TenantFixture,
                                                group: GroupCommit) -> None:
    def writer(index: int) -> list[int]:
        return [create(group_unit(tenant, group), f"t{index}-{n}") for n in range(5)]

    threads = [in_thread(lambda i=i: writer(i)) for i in range(8)]
    for thread, _ in threads:
        thread.join(60)
    numbers = sorted(n for _, outcome in threads for n in outcome[0])
    assert numbers == list(range(1, 41))
    assert group.units == 40
    with tenant.unit(write=False) as unit:
        assert unit.session.scalar(select(func.count()).select_from(Ticket)) == 40
