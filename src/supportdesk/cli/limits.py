"""CLI commands for rate limits and usage per tenant and key."""

from __future__ import annotations
