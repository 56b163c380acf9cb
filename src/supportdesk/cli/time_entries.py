"""CLI commands for time entries."""

from __future__ import annotations
