"""Knowledge base folders."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["08. KB Folders"])
