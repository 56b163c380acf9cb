"""Surveys: definitions and ratings."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["06. Surveys"])
