"""Admin API: The tenant's API keys."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Admin: API keys"])
