"""Admin API: Custom fields."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Admin: Custom fields"])
