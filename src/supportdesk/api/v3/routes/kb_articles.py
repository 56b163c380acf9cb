"""Knowledge base articles."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["09. KB Articles"])
