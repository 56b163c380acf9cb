"""Knowledge base categories."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["07. KB Categories"])
