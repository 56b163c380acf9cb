"""Admin API: Agents and their roles."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Admin: Agents"])
