"""One seeded ticket's life: status, assignment, conversation and timestamps that agree.

Times are whole seconds from the start of the seeded period; ``bulk`` turns
them into datetimes. The invariants every ticket keeps:

- ``updated`` is the latest event, so never before ``created``;
- resolved tickets have ``resolved``; closed ones ``resolved`` and ``closed``;
  open and pending tickets have neither;
- ``first_assigned`` exists exactly when there is an assignee;
- ``first_response`` is the first public agent reply, when there is one;
- messages come after ``created``, in order, and before resolution.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

HOUR = 3600
DAY = 24 * HOUR

# Chance of each status category by ticket age: old tickets are mostly
# finished, this week's mostly still open. Cumulative: open, pending, resolved.
_STATUS_MIX = (
    (7 * DAY, (0.40, 0.65, 0.90)),
    (30 * DAY, (0.15, 0.30, 0.65)),
    (None, (0.02, 0.05, 0.30)),
)
# How many messages a ticket in each category collects.
_THREAD_LENGTHS = {
    "open": (0, 0, 1, 1, 2, 3),
    "pending": (1, 2, 2, 3),
    "resolved": (1, 2, 2, 3, 3, 4, 5, 6),
    "closed": (1, 2, 2, 3, 3, 4, 5, 6),
}
_ASSIGNED_SHARE = {"open": 0.5, "pending": 0.85, "resolved": 0.9, "closed": 0.9}
_NOTE_SHARE = 0.15
_PUBLIC_NOTE_SHARE = 0.1
_MEAN_RESOLUTION_SECONDS = 20 * HOUR


@dataclass(frozen=True)
class Message:
    """One conversation entry: who wrote it, what kind, and when."""

    at: int
    kind: str  # reply | note
    is_public: bool
    by_agent: bool


@dataclass
class Timeline:
    """The events of one ticket, in seconds from the seeded period's start."""

    category: str
    created: int
    updated: int = 0
    first_assigned: int | None = None
    first_response: int | None = None
    resolved: int | None = None
    closed: int | None = None
    messages: list[Message] = field(default_factory=list)


def status_category(rng: random.Random, age: int) -> str:
    """Open, pending, resolved or closed, weighted by how old the ticket is."""
    roll = rng.random()
    for max_age, (is_open, is_pending, is_resolved) in _STATUS_MIX:
        if max_age is None or age < max_age:
            if roll < is_open:
                return "open"
            if roll < is_pending:
                return "pending"
            return "resolved" if roll < is_resolved else "closed"
    raise AssertionError("unreachable: the last mix has no age limit")


def is_assigned(rng: random.Random, category: str) -> bool:
    return rng.random() < _ASSIGNED_SHARE[category]


def build_timeline(
    rng: random.Random,
    *,
    created: int,
    now: int,
    category: str,
    assigned: bool,
    has_thread: bool,
    agent_can_reply: bool,
) -> Timeline:
    """Events of a ticket created at ``created`` that is in ``category`` at ``now``.

    ``created`` must be at least a few minutes before ``now`` so every event
    fits strictly between them.
    """
    # ``random()`` scaled by hand instead of randint/choice: a third of the cost.
    roll = rng.random
    line = Timeline(category=category, created=created)
    end = now
    if category in ("resolved", "closed"):
        took = 300 + int(rng.expovariate(1 / _MEAN_RESOLUTION_SECONDS))
        end = line.resolved = min(created + took, now)
        if category == "closed":
            line.closed = min(line.resolved + int(roll() * 3 * DAY), now)
    if has_thread:
        lengths = _THREAD_LENGTHS[category]
        count = lengths[int(roll() * len(lengths))]
        # One slot per message, so times strictly increase and stay before ``end``.
        step = max(1, (end - created) // (count + 1))
        for index in range(count):
            at = created + step * index + 1 + int(roll() * step)
            agent_turn = agent_can_reply and index % 2 == 0
            if agent_turn and roll() < _NOTE_SHARE:
                line.messages.append(Message(at, "note", roll() < _PUBLIC_NOTE_SHARE, True))
            else:
                line.messages.append(Message(at, "reply", True, agent_turn))
    for message in line.messages:
        if message.by_agent and message.kind == "reply":
            line.first_response = message.at
            break
    if assigned:
        first_assigned = min(created + 30 + int(roll() * 4 * HOUR), end)
        if line.first_response is not None:
            # Whoever answered first had the ticket by then.
            first_assigned = min(first_assigned, line.first_response)
        line.first_assigned = first_assigned
    line.updated = max(
        created,
        line.first_assigned or created,
        line.messages[-1].at if line.messages else created,
        line.resolved or created,
        line.closed or created,
    )
    return line
