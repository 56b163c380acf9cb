"""Parsing Desk365 query parameters: every value arrives as a string."""

from __future__ import annotations

from supportdesk.errors import BadRequest

MAX_OFFSET = 10**12


def flag(value: str | None, name: str, *, default: bool = False) -> bool:
    """A ``"0"``/``"1"`` flag; anything else is a 400 naming the parameter."""
    if value is None or value == "":
        return default
    if value in ("0", "1"):
        return value == "1"
    raise BadRequest(f"{name} must be 0 or 1, got {value!r}")


def offset(value: str | None, name: str = "offset") -> int:
    """A non-negative record offset."""
    if value is None or value.strip() == "":
        return 0
    text = value.strip()
    if not text.isdigit() or not text.isascii():
        raise BadRequest(f"{name} must be a non-negative whole number, got {value!r}")
    number = int(text)
    if number > MAX_OFFSET:
        raise BadRequest(f"{name} is too large (at most {MAX_OFFSET})")
    return number


def choice(value: str | None, name: str, allowed: tuple[str, ...], default: str) -> str:
    """One of ``allowed``; anything else is a 400 listing them."""
    if value is None or value == "":
        return default
    if value in allowed:
        return value
    raise BadRequest(f"{name} must be one of {', '.join(allowed)}, got {value!r}")


def ticket_number(value: str | None, name: str = "ticket_number") -> int:
    """A ticket number: a positive whole number."""
    if value is None or value.strip() == "":
        raise BadRequest(f"{name} is required")
    text = value.strip()
    if not text.isascii() or not text.isdigit() or int(text) < 1 or len(text) > 18:
        raise BadRequest(f"{name} must be a positive whole number, got {value!r}")
    return int(text)


def required_text(value: str | None, name: str) -> str:
    if value is None or value.strip() == "":
        raise BadRequest(f"{name} is required")
    return value.strip()
