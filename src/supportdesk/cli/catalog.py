"""CLI commands for statuses, ticket types, categories and subcategories."""

from __future__ import annotations
