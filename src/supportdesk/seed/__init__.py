"""Realistic sample data: the demo helpdesk and bulk seeding for load tests."""

from __future__ import annotations

from supportdesk.seed.bulk import SeedReport, seed_tickets
from supportdesk.seed.sample import generate_sample_data

__all__ = ["SeedReport", "generate_sample_data", "seed_tickets"]
