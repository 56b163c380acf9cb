"""The usage arithmetic of contracts against its rules, and the time parser (hypothesis)."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from supportdesk.contracts.usage import Chunk, account, month_index, periods_of
from supportdesk.timetracking.schemas import parse_time

JAN_2026 = month_index(datetime(2026, 1, 1))


def test_periods() -> None:
    monthly = periods_of(datetime(2026, 1, 15), datetime(2026, 4, 1), 1)
    assert [(p.year, p.month) for p in monthly] == [(2026, 1), (2026, 2), (2026, 3)]
    whole = periods_of(datetime(2025, 11, 1), datetime(2026, 3, 1), 2)
    assert [(p.year, p.month, p.last - p.first) for p in whole] == [(2025, 11, 3)]
    single_day = periods_of(datetime(2026, 2, 28), datetime(2026, 3, 1), 1)
    assert [(p.year, p.month) for p in single_day] == [(2026, 2)]


def test_rollover_expires_after_its_months() -> None:
    periods = periods_of(datetime(2026, 1, 1), datetime(2026, 5, 1), 1)
    usage = account(periods, block=60, used_by_month={}, rollover_months=2, now=JAN_2026)
    # January's 60 reach February and March; each month adds its own 60.
    assert [p.rollover_mins for p in usage.periods] == [0, 60, 120, 120]
    assert usage.rolled_over == 180
    # February's minutes last through April, the last month: they stay in the leftover.
    assert [(c.minutes, c.expires - JAN_2026) for c in usage.leftover] == \
        [(60, 3), (60, 4), (60, 5)]


def test_every_chunk_counts_as_rolled_over_once_when_it_arrives() -> None:
    # Regression (found by the property below): chunks were remembered by ``id``,
    # and a dropped chunk's id, reused by a new chunk, kept that chunk's 5 minutes
    # out of ``rolled_over`` (39 instead of 44). The 4 carried-in minutes arrive
    # in March (the 11 expired before the contract began); each month that leaves
    # its block of 5 unused sends 5 into the next: March to June, August,
    # October to December.
    periods = periods_of(datetime(2026, 3, 1), datetime(2027, 2, 1), 1)
    used = {JAN_2026 + 6: 24, JAN_2026 + 8: 16, JAN_2026 + 12: 34, JAN_2026 + 13: 6,
            JAN_2026 + 14: 18}
    usage = account(periods, block=5, used_by_month=used, rollover_months=12,
                    carried_in=[Chunk(4, JAN_2026 + 3), Chunk(11, JAN_2026)],
                    now=JAN_2026 - 1)
    assert usage.rolled_over == 4 + 4 * 5 + 5 + 3 * 5
    assert [p.rollover_mins for p in usage.periods] == [4, 9, 10, 15, 20, 1, 6, 0, 5, 10, 15]
    assert [p.rollover_mins_used for p in usage.periods] == [0, 0, 0, 0, 19, 0, 6, 0, 0, 0, 15]
    assert (usage.used, usage.extra, usage.available) == (74, 19, 9)


def test_carried_in_minutes_are_used_after_the_block_oldest_first() -> None:
    periods = periods_of(datetime(2026, 1, 1), datetime(2026, 2, 1), 1)
    carried = [Chunk(10, JAN_2026), Chunk(20, JAN_2026 + 3)]
    usage = account(periods, block=30, used_by_month={JAN_2026: 55}, carried_in=carried,
                    now=JAN_2026)
    (january,) = usage.periods
    assert (january.contract_mins_used, january.rollover_mins, january.rollover_mins_used,
            january.extra_used_mins) == (30, 30, 25, 0)
    assert [(c.minutes, c.expires - JAN_2026) for c in usage.leftover] == [(5, 3)]
    assert usage.available == 5


months = st.integers(min_value=0, max_value=14)


@given(
    start=months, length=st.integers(min_value=1, max_value=14),
    bill_cycle=st.sampled_from([1, 2]), block=st.integers(min_value=0, max_value=600),
    used=st.dictionaries(months, st.integers(min_value=0, max_value=2000)),
    rollover=st.one_of(st.none(), st.integers(min_value=1, max_value=12)),
    carried=st.lists(st.tuples(st.integers(min_value=1, max_value=500), months), max_size=3),
    now=st.integers(min_value=-2, max_value=30),
)
def test_every_minute_is_accounted_for_once(
    start: int, length: int, bill_cycle: int, block: int, used: dict[int, int],
    rollover: int | None, carried: list[tuple[int, int]], now: int,
) -> None:
    starts = datetime(2026 + start // 12, start % 12 + 1, 1)
    end_index = start + length
    ends = datetime(2026 + end_index // 12, end_index % 12 + 1, 1)
    periods = periods_of(starts, ends, bill_cycle)
    by_month = {JAN_2026 + m: v for m, v in used.items()}
    chunks = [Chunk(m, JAN_2026 + e) for m, e in carried]
    usage = account(periods, block=block, used_by_month=by_month, rollover_months=rollover,
                    carried_in=chunks, now=JAN_2026 + now)
    in_contract = sum(v for m, v in by_month.items()
                      if periods[0].first <= m <= periods[-1].last)
    assert usage.used == in_contract
    assert usage.extra == sum(p.extra_used_mins for p in usage.periods)
    for period in usage.periods:
        assert period.contract_mins_used <= block
        assert period.rollover_mins_used <= period.rollover_mins
        assert period.rollover_mins_available == period.rollover_mins - period.rollover_mins_used
        if period.extra_used_mins:
            assert period.contract_mins_used == block
            assert period.rollover_mins_available == 0
    assert sum(p.contract_mins_used + p.rollover_mins_used + p.extra_used_mins
               for p in usage.periods) == usage.used
    assert sum(p.rollover_mins_used for p in usage.periods) <= usage.rolled_over
    if rollover is None and not carried:
        assert usage.rolled_over == 0
    assert 0 <= usage.available <= block + usage.rolled_over
    if JAN_2026 + now > periods[-1].last:
        assert usage.available == 0


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9999, 12, 31)))
def test_parse_time_reads_what_the_wire_writes(moment: datetime) -> None:
    moment = moment.replace(microsecond=0)
    assert parse_time(moment.strftime("%Y-%m-%d %H:%M:%S")) == moment
    assert parse_time(moment.strftime("%Y-%m-%dT%H:%M")) == moment.replace(second=0)
    assert parse_time(moment.strftime("%Y-%m-%d")) == \
        moment.replace(hour=0, minute=0, second=0)


@given(st.text(max_size=30))
def test_parse_time_never_raises(text: str) -> None:
    result = parse_time(text)
    assert result is None or isinstance(result, datetime)
