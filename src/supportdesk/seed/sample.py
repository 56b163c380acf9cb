"""The demo helpdesk's sample data: a few hundred tickets with conversations."""

from __future__ import annotations

from supportdesk.clock import Clock, system_clock
from supportdesk.config import Settings
from supportdesk.db.session import Database
from supportdesk.seed.bulk import SeedReport, seed_tickets

SAMPLE_TICKETS = 300
SAMPLE_SEED = 365


def generate_sample_data(
    database: Database,
    settings: Settings,
    subdomain: str,
    *,
    tickets: int = SAMPLE_TICKETS,
    seed: int = SAMPLE_SEED,
    clock: Clock = system_clock,
) -> SeedReport:
    """Fill the tenant at ``subdomain`` with sample contacts, companies and tickets.

    Every ticket gets its conversation, so the demo shows full threads.
    ``settings`` is accepted so callers hand over the deployment they act on;
    sample data does not depend on it yet.
    """
    del settings  # part of the entry-point signature; nothing to read from it yet
    return seed_tickets(database, subdomain=subdomain, tickets=tickets, seed=seed,
                        conversation_share=1.0, clock=clock)
