"""Plans: the limits an API key works under, as values."""

from __future__ import annotations

from dataclasses import dataclass

from supportdesk.ratelimit.buckets import Limit

TICKET_WINDOW_SECONDS = 3600


@dataclass(frozen=True)
class Plan:
    """A tenant's per-key limits.

    ``calls`` per ``window_seconds`` (a search costs ``search_cost`` calls,
    ping nothing) and ``tickets_per_hour`` tickets received from lists and
    searches. ``is_unlimited`` turns them all off.
    """

    calls: int
    window_seconds: int
    tickets_per_hour: int
    search_cost: int
    is_unlimited: bool = False

    @property
    def call_limit(self) -> Limit:
        return Limit(capacity=self.calls, window=self.window_seconds)

    @property
    def ticket_limit(self) -> Limit:
        return Limit(capacity=self.tickets_per_hour, window=TICKET_WINDOW_SECONDS)

    @property
    def name(self) -> str:
        """``unlimited``, the preset it equals, or ``custom``."""
        if self.is_unlimited:
            return "unlimited"
        for name, preset in PRESETS.items():
            if preset == self:
                return name
        return "custom"


# Desk365's Standard plan, and its higher plans' per-minute limit.
STANDARD = Plan(calls=100, window_seconds=3600, tickets_per_hour=10_000, search_cost=5)
PER_MINUTE = Plan(calls=50, window_seconds=60, tickets_per_hour=10_000, search_cost=5)
PRESETS = {"standard": STANDARD, "per_minute": PER_MINUTE}
