"""Time entries (read-only in Desk365)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["05. Time entries"])
