"""CLI commands for satisfaction surveys."""

from __future__ import annotations
