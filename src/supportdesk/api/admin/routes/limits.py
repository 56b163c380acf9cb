"""Admin API: Rate-limit plans and key usage."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Admin: Rate limits"])
