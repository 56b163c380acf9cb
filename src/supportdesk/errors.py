"""The one exception tree. Services raise these; one handler maps them to HTTP.

Every error carries the HTTP status it stands for, so the API adapter never
guesses; the message is written for the person reading the response.
"""

from __future__ import annotations


class SupportdeskError(Exception):
    """Base of every error the service raises on purpose."""

    status_code: int = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(SupportdeskError):
    """The request is malformed or a value is invalid (400)."""

    status_code = 400


class Unauthorized(SupportdeskError):
    """Missing, unknown, revoked or foreign API key (401)."""

    status_code = 401


class Forbidden(SupportdeskError):
    """Authenticated, but this tenant or key may not do this (403)."""

    status_code = 403


class NotFound(SupportdeskError):
    """The addressed record does not exist in this tenant (404)."""

    status_code = 404


class Conflict(SupportdeskError):
    """The change collides with stored data, e.g. a duplicate name (409)."""

    status_code = 409


class Unprocessable(SupportdeskError):
    """Well-formed, but cannot be done as asked, e.g. an Idempotency-Key reused
    with another request (422)."""

    status_code = 422


class PayloadTooLarge(SupportdeskError):
    """The request body or an attachment exceeds a configured limit (413)."""

    status_code = 413


class RateLimited(SupportdeskError):
    """A rate limit or quota refused the call (429)."""

    status_code = 429

    def __init__(self, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds
