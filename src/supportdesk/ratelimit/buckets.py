"""The token bucket every limit is: pure arithmetic, shared by all stores.

A bucket of ``capacity`` tokens refills from empty to full in ``window``
seconds, at a steady ``capacity / window`` tokens a second. A call takes
``cost`` tokens if the bucket holds that many; otherwise it is refused and
nothing is taken. Levels are kept in integer *ticks* (``tokens * window``) so
that refilling ``capacity`` ticks a second is exact: no float drift, no call
more or fewer than the limit, the same answers in Python and in Redis's Lua.

Stores keep ``(level, updated_at, signature)`` per bucket. ``signature`` is
the limit the level was measured against; a bucket stored under another
limit (the tenant's plan changed) starts full again.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_CAPACITY = 1_000_000
MAX_WINDOW = 86_400


def ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


@dataclass(frozen=True)
class Limit:
    """``capacity`` tokens, refilled from empty to full over ``window`` seconds."""

    capacity: int
    window: int

    @property
    def full(self) -> int:
        """A full bucket's level in ticks."""
        return self.capacity * self.window

    @property
    def signature(self) -> str:
        return f"{self.capacity}/{self.window}"


@dataclass(frozen=True)
class Bucket:
    """A stored bucket: its level in ticks at ``updated_at`` (epoch seconds)."""

    level: int
    updated_at: int
    signature: str


@dataclass(frozen=True)
class Decision:
    """The outcome of asking a bucket for ``cost`` tokens, as headers show it.

    ``remaining`` is whole tokens left after the call (or now, if refused);
    ``reset_seconds`` is how long until the bucket is full again;
    ``retry_after`` (refusals only) is how long until ``cost`` tokens are there.
    """

    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int
    retry_after: int
    level_after: int


def current_level(state: Bucket | None, limit: Limit, now: int) -> int:
    """The bucket's level at ``now``, refilled since it was stored."""
    if state is None or state.signature != limit.signature:
        return limit.full
    elapsed = max(0, now - state.updated_at)
    return min(limit.full, state.level + elapsed * limit.capacity)


def decide(level: int, limit: Limit, cost: int) -> Decision:
    """Take ``cost`` tokens from a bucket at ``level`` ticks, or refuse."""
    need = cost * limit.window
    if need > level:
        return Decision(
            allowed=False, limit=limit.capacity, remaining=level // limit.window,
            reset_seconds=ceil_div(limit.full - level, limit.capacity),
            retry_after=max(1, ceil_div(need - level, limit.capacity)), level_after=level,
        )
    after = level - need
    return Decision(
        allowed=True, limit=limit.capacity, remaining=after // limit.window,
        reset_seconds=ceil_div(limit.full - after, limit.capacity), retry_after=0,
        level_after=after,
    )


def take(state: Bucket | None, limit: Limit, cost: int, now: int) -> tuple[Decision,
                                                                            Bucket | None]:
    """Decide, and the bucket to store (None when nothing changes).

    Time never runs backwards for a bucket: a caller whose clock reading is
    older than the stored one (it read the clock, then waited for the lock
    behind a later caller) is counted at the stored time. Otherwise the
    seconds between the two readings would be refilled twice.
    """
    if state is not None and state.signature == limit.signature:
        now = max(now, state.updated_at)
    decision = decide(current_level(state, limit, now), limit, cost)
    if not decision.allowed or cost == 0:
        return decision, None
    return decision, Bucket(level=decision.level_after, updated_at=now,
                            signature=limit.signature)
