"""Ticket search, simple and advanced."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["02. Tickets"])
