"""Contracts (needs contract access)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["10. Contracts"])
