"""Admin API: Statuses, ticket types, categories and subcategories."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["Admin: Ticket fields"])
