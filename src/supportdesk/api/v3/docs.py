"""OpenAPI fragments shared by the v3 routes: error bodies and examples."""

from __future__ import annotations

from typing import Any

from supportdesk.api.errors import DEFAULT_MESSAGES, error_body

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["status", "error", "message"],
    "properties": {
        "status": {"type": "integer", "description": "HTTP status code"},
        "error": {"type": "string", "description": "HTTP reason phrase"},
        "message": {"type": "string", "description": "What was wrong, for a person"},
    },
}


def _error(status: int) -> dict[str, Any]:
    return {
        "description": DEFAULT_MESSAGES[status],
        "content": {
            "application/json": {"schema": ERROR_SCHEMA, "example": error_body(status)}
        },
    }


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: _error(status) for status in (400, 401, 403, 404, 409, 413, 429, 500)
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The documented error responses for an operation."""
    return {status: ERROR_RESPONSES[status] for status in statuses}


READ_ERRORS = errors(400, 401, 404, 429)
WRITE_ERRORS = errors(400, 401, 404, 409, 413, 429)
