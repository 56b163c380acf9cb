"""Admin API: SLA policies and business hours."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Admin: SLA"])
