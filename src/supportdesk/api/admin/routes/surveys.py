"""Admin API: Satisfaction survey definitions."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Admin: Surveys"])
