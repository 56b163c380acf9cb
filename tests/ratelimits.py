"""What the rate-limit tests read from answers: the limit headers, 429 bodies, clients."""

from __future__ import annotations

import os
from typing import Any

from fastapi.testclient import TestClient
from starlette.types import ASGIApp

LIMIT_HEADERS = ("x-rate-limit-remaining", "x-ratelimit-limit", "x-ratelimit-remaining",
                 "x-ratelimit-reset")
REDIS_URL = os.environ.get("SUPPORTDESK_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def limits(response: Any) -> dict[str, str | None]:
    return {name: response.headers.get(name) for name in LIMIT_HEADERS}


def calls_left(remaining: int, reset: int, limit: int = 100) -> dict[str, str | None]:
    return {"x-rate-limit-remaining": str(remaining), "x-ratelimit-limit": str(limit),
            "x-ratelimit-remaining": str(remaining), "x-ratelimit-reset": str(reset)}


def too_many(message: str) -> dict[str, Any]:
    return {"status": 429, "error": "Too Many Requests", "message": message}


def tickets_left(response: Any) -> tuple[str | None, str | None, str | None]:
    return (response.headers.get("x-ratelimit-tickets-limit"),
            response.headers.get("x-ratelimit-tickets-remaining"),
            response.headers.get("x-ratelimit-tickets-reset"))


def client_at(app: ASGIApp, address: str) -> TestClient:
    """A client of tenant acme whose requests come from ``address``."""
    return TestClient(app, base_url="http://acme.localhost", client=(address, 50000))
