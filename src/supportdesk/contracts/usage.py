"""How much of a contract's block is used: pure arithmetic over monthly totals.

The database adds up, per contract and calendar month, the minutes (or
tickets) that count against the contract; this module turns those totals
into billing periods, rollover and what is left. Months are numbered
``year * 12 + month - 1`` so that consecutive months differ by one.

Rules:

- A period is one calendar month (bill cycle 1, clipped to the contract's
  dates) or the whole contract (bill cycle 2). Each period grants the block.
- Within a period the period's own block is used first, then minutes rolled
  over into it (oldest first); anything beyond both is extra.
- With rollover on, what is left of a period's own block rolls over and
  stays usable in periods that start at most ``rollover_value`` months after
  the period's last month. Rolled-over minutes that are not used expire.
- What is left when a contract ends rolls into the company's next contract
  on the same terms (see ``service``: one contract back, not chained).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta


def month_index(moment: datetime) -> int:
    """Months since year 0: consecutive calendar months differ by one."""
    return moment.year * 12 + moment.month - 1


@dataclass(frozen=True)
class Period:
    """A billing period: ``first`` and ``last`` month indexes, both included."""

    first: int
    last: int

    @property
    def year(self) -> int:
        return self.first // 12

    @property
    def month(self) -> int:
        return self.first % 12 + 1


@dataclass
class Chunk:
    """Unused minutes rolled over from one period, usable up to month ``expires``."""

    minutes: int
    expires: int


@dataclass(frozen=True)
class PeriodUsage:
    """One period's account: granted, rolled in, used from each, left, extra, late."""

    year: int
    month: int
    contract_mins: int
    contract_mins_used: int
    rollover_mins: int
    rollover_mins_used: int
    rollover_mins_available: int
    late_entry_mins: int
    extra_used_mins: int


@dataclass
class Usage:
    """A contract's whole account; ``leftover`` is what may roll into a next contract."""

    used: int = 0
    available: int = 0
    rolled_over: int = 0
    extra: int = 0
    periods: list[PeriodUsage] = field(default_factory=list)
    leftover: list[Chunk] = field(default_factory=list)


def periods_of(starts_at: datetime, ends_at: datetime, bill_cycle: int) -> list[Period]:
    """The billing periods of a contract covering ``[starts_at, ends_at)``."""
    first = month_index(starts_at)
    last = month_index(ends_at - timedelta(seconds=1))
    if bill_cycle == 2:
        return [Period(first, last)]
    return [Period(index, index) for index in range(first, last + 1)]


def account(
    periods: list[Period],
    *,
    block: int,
    used_by_month: dict[int, int],
    late_by_month: dict[int, int] | None = None,
    rollover_months: int | None = None,
    carried_in: list[Chunk] | None = None,
    now: int,
) -> Usage:
    """Run the block through its periods (see the module rules).

    ``block`` is what each period grants; ``rollover_months`` None means
    unused minutes do not roll over; ``now`` is the current month index,
    which picks the period whose remaining minutes are ``available`` (0
    once the contract is over; the first period's for a contract not yet
    started).
    """
    late_by_month = late_by_month or {}
    pool = [Chunk(c.minutes, c.expires) for c in (carried_in or [])]
    # Chunks not yet counted in ``rolled_over``: each counts in the first period
    # it reaches. (Not a set of ``id``s of counted chunks: an expired chunk's id
    # is reused by the next new chunk, which then never counted.)
    arriving = list(pool)
    usage = Usage()
    for number, period in enumerate(periods):
        pool = [c for c in pool if c.expires >= period.first and c.minutes > 0]
        usage.rolled_over += sum(c.minutes for c in arriving if any(c is p for p in pool))
        arriving = []
        rollover_in = sum(c.minutes for c in pool)
        used = sum(used_by_month.get(m, 0) for m in range(period.first, period.last + 1))
        late = sum(late_by_month.get(m, 0) for m in range(period.first, period.last + 1))
        from_block = min(used, block)
        rest = used - from_block
        from_rollover = 0
        for chunk in pool:
            take = min(chunk.minutes, rest)
            chunk.minutes -= take
            rest -= take
            from_rollover += take
        usage.used += used
        usage.extra += rest
        usage.periods.append(PeriodUsage(
            year=period.year, month=period.month, contract_mins=block,
            contract_mins_used=from_block, rollover_mins=rollover_in,
            rollover_mins_used=from_rollover,
            rollover_mins_available=rollover_in - from_rollover,
            late_entry_mins=late, extra_used_mins=rest,
        ))
        left_in_period = block - from_block + rollover_in - from_rollover
        is_current = period.first <= now <= period.last
        if is_current or (number == 0 and now < period.first):
            usage.available = left_in_period
        if rollover_months is not None and block > from_block:
            unused = Chunk(block - from_block, period.last + rollover_months)
            pool.append(unused)
            arriving.append(unused)
    usage.leftover = [Chunk(c.minutes, c.expires) for c in pool if c.minutes > 0]
    return usage
