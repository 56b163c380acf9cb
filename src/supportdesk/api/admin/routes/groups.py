"""Admin API: Groups and membership."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Admin: Groups"])
