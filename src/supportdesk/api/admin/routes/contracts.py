"""Admin API: Contract access."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Admin: Contracts"])
