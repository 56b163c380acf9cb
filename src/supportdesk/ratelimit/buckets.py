"""The sliding window every limit is: pure arithmetic, shared by all stores.

A limit of ``capacity`` units per ``window`` seconds means: at most
``capacity`` units in *any* ``window`` seconds in a row, all of them at once
if the client wants (a burst of ``capacity`` is served). A take of ``cost``
units is allowed if they fit; a refused take takes nothing.

An exact sliding window would keep a timestamp per unit (100,000 of them for
a custom plan of 100,000 an hour). Instead the window is split into
``SLOTS_PER_WINDOW`` (60) slots of ``slot_seconds = ceil(window / 60)``
seconds, numbered from the epoch (slot ``t // slot_seconds``). A take at
time ``t`` adds its cost to its slot, and the usage at ``now`` is the sum of
every slot that ends after ``now - window``: a slot counts in full until its
last second has left the window. The stored state is at most 62
``(slot, units)`` pairs, whatever the limit.

Times are whole epoch seconds, and second ``t`` stands for the real
interval ``[t, t + 1)``. So a unit taken in second ``t`` counts through
second ``t + window`` at least (a call at ``t.9`` and one at
``(t + 60).1`` are less than a minute apart), and through the end of its
slot plus the window at most: up to ``slot_seconds - 1`` seconds longer
(59 for an hourly limit, none for a limit of a minute or less). That is
conservative: a client is at worst refused a little early, and never
served more than the limit in any ``window`` real seconds.

Stores keep a ``Window`` per counter: its slots, the latest time a take was
counted at, and ``signature``, the window length the slots were counted
under. A window stored under another length counts as empty; one stored
under another capacity counts against the new capacity. (The key's call
counter names its window, ``ratelimit.service.calls_bucket``, so a plan
that changes the window starts a new counter rather than erasing the old.)
Redis's Lua script (``stores.TAKE_SCRIPT``) mirrors ``take`` line for
line; the tests run both on the same sequences.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_CAPACITY = 1_000_000
MAX_WINDOW = 86_400
SLOTS_PER_WINDOW = 60

Slots = tuple[tuple[int, int], ...]
"""``(slot number, units taken in it)`` pairs, oldest slot first, no slot twice."""


def ceil_div(numerator: int, denominator: int) -> int:
    return -(-numerator // denominator)


@dataclass(frozen=True)
class Limit:
    """At most ``capacity`` units in any ``window`` seconds."""

    capacity: int
    window: int

    @property
    def slot_seconds(self) -> int:
        """The width of one of the window's 60 slots: its granularity."""
        return ceil_div(self.window, SLOTS_PER_WINDOW)

    @property
    def signature(self) -> str:
        """What stored slots mean: their window (and so their width), not the capacity.

        Slots counted under another window are another grid and count as
        empty; under another capacity they still count, against the new one.
        """
        return f"{self.window}s"

    def slot_of(self, moment: int) -> int:
        """The slot a take at ``moment`` is counted in."""
        return moment // self.slot_seconds

    def leaves_at(self, slot: int) -> int:
        """The first second at which ``slot`` no longer counts: its end plus the window."""
        return (slot + 1) * self.slot_seconds + self.window


@dataclass(frozen=True)
class Window:
    """A counter's stored usage: units per slot, as of the take at ``updated_at``."""

    slots: Slots
    updated_at: int
    signature: str


@dataclass(frozen=True)
class Decision:
    """The outcome of asking a counter for ``cost`` units, as headers show it.

    ``used`` is the units counted in the trailing window after the call (or
    now, if refused) and ``remaining`` is ``limit - used``;
    ``reset_seconds`` is how long until nothing is counted any more (0 when
    nothing is); ``retry_after`` (refusals only, at least 1) is how long until
    enough of the oldest slots have left the window for ``cost`` to fit.
    """

    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int
    retry_after: int
    used: int


def counted_slots(state: Window | None, limit: Limit, now: int) -> Slots:
    """The stored slots that still count at ``now`` (none under another window)."""
    if state is None or state.signature != limit.signature:
        return ()
    return tuple((slot, units) for slot, units in state.slots if limit.leaves_at(slot) > now)


def _until_empty(slots: Slots, limit: Limit, now: int) -> int:
    return limit.leaves_at(slots[-1][0]) - now if slots else 0


def _until_fits(slots: Slots, limit: Limit, cost: int, now: int) -> int:
    """Seconds until the oldest slots have left enough room for ``cost`` (at least 1)."""
    left = sum(units for _, units in slots)
    for slot, units in slots:
        left -= units
        if left + cost <= limit.capacity:
            return max(1, limit.leaves_at(slot) - now)
    # More than the whole limit never fits; the best to say is when the window is empty.
    return max(1, _until_empty(slots, limit, now))


def decide(slots: Slots, limit: Limit, cost: int, now: int) -> Decision:
    """Take ``cost`` units at ``now`` from a window holding ``slots`` (counted), or refuse."""
    used = sum(units for _, units in slots)
    if used + cost > limit.capacity:
        return Decision(
            allowed=False, limit=limit.capacity, remaining=max(0, limit.capacity - used),
            reset_seconds=_until_empty(slots, limit, now),
            retry_after=_until_fits(slots, limit, cost, now), used=used,
        )
    after = add(slots, limit.slot_of(now), cost)
    return Decision(
        allowed=True, limit=limit.capacity, remaining=limit.capacity - used - cost,
        reset_seconds=_until_empty(after, limit, now), retry_after=0, used=used + cost,
    )


def add(slots: Slots, slot: int, units: int) -> Slots:
    """``slots`` with ``units`` more in ``slot``, which is not older than any of them."""
    if units == 0:
        return slots
    if slots and slots[-1][0] == slot:
        return (*slots[:-1], (slot, slots[-1][1] + units))
    return (*slots, (slot, units))


def counted_at(state: Window | None, limit: Limit, now: int) -> int:
    """The time a take at ``now`` is counted at: never before the counter's last take.

    A caller whose clock reading is older than the stored one (it read the
    clock, then waited for the lock behind a later caller) is counted at the
    stored time; otherwise its units could land in a slot that has already
    been dropped, or be counted as leaving before units taken earlier.
    """
    if state is not None and state.signature == limit.signature:
        return max(now, state.updated_at)
    return now


def take(state: Window | None, limit: Limit, cost: int, now: int) -> tuple[Decision,
                                                                            Window | None]:
    """Decide, and the window to store (None when nothing changes: a refusal or a look)."""
    now = counted_at(state, limit, now)
    slots = counted_slots(state, limit, now)
    decision = decide(slots, limit, cost, now)
    if not decision.allowed or cost == 0:
        return decision, None
    return decision, Window(slots=add(slots, limit.slot_of(now), cost), updated_at=now,
                            signature=limit.signature)


def expires_at(window: Window, limit: Limit) -> int:
    """When a stored window says nothing any more: its newest slot has left."""
    return limit.leaves_at(window.slots[-1][0]) if window.slots else window.updated_at


def encode_slots(slots: Slots) -> str:
    """Slots as text for a SQL column: ``slot:units`` pairs, comma-separated."""
    return ",".join(f"{slot}:{units}" for slot, units in slots)


def decode_slots(text: str) -> Slots:
    """The inverse of ``encode_slots``."""
    if not text:
        return ()
    pairs = (pair.split(":") for pair in text.split(","))
    return tuple((int(slot), int(units)) for slot, units in pairs)
