"""Asset management locations."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["13. Asset Locations"])
