"""CLI commands for contracts and the per-tenant contract access switch."""

from __future__ import annotations
