"""Admin API: Time entries (Desk365 has no public create)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Admin: Time entries"])
