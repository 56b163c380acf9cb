"""CLI commands for custom fields."""

from __future__ import annotations
