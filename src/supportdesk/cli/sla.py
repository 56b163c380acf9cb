"""CLI commands for SLA policies and business hours."""

from __future__ import annotations
