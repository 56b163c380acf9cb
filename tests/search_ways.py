"""Forcing each way search can pick a page, so tests can hold them to the same answers.

``search.service`` picks by estimated cost (see its module docstring); the
cost ratios are module constants, which these settings push to an extreme.
"""

from __future__ import annotations

import pytest

from supportdesk.search import service

# way -> (PROBES_PER_MATCH_READ, WALK_ENTRIES_PER_LOOKUP)
WAYS = {
    # Walk the order index probing each walked ticket's index row (PostgreSQL;
    # SQLite, whose count is cheap, walks against the set instead).
    "probe": (10.0**9, 10**9),
    # Walk the order index against the set of matching numbers.
    "walk": (0.0, 10**9),
    # Look every match (every tie, for relevance) up by number and sort.
    "lookup": (0.0, 0),
}


def force_way(monkeypatch: pytest.MonkeyPatch, way: str) -> None:
    probes, entries = WAYS[way]
    monkeypatch.setattr(service, "PROBES_PER_MATCH_READ", probes)
    monkeypatch.setattr(service, "WALK_ENTRIES_PER_LOOKUP", entries)
