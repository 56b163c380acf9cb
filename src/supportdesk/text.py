"""Cleaning text that arrives from outside: HTML, plain text and emails."""

from __future__ import annotations

import html
import re

import nh3

from supportdesk.errors import BadRequest

# A deliberately plain pattern: one @, a dot in the domain, no spaces.
_EMAIL = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]+$")
_BLOCK_TAGS = re.compile(r"<\s*(br|/p|/div|/li|/h[1-6]|/tr|/blockquote)\b[^>]*>", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def blank_to_none(value: str | None) -> str | None:
    """Desk365 stores an empty string as null."""
    if value is None:
        return None
    stripped = value.strip()
    return stripped or None


def sanitize_html(value: str) -> str:
    """Remove everything executable from user HTML (scripts, handlers, js: URLs)."""
    return nh3.clean(value, link_rel="noopener noreferrer nofollow")


def html_to_text(value: str) -> str:
    """Plain text of sanitized HTML: tags dropped, entities decoded, lines kept."""
    text = _BLOCK_TAGS.sub("\n", value)
    text = _TAGS.sub("", text)
    text = html.unescape(text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _BLANK_LINES.sub("\n", text)
    return text.strip()


def normalize_email(value: object, *, field: str) -> str:
    """A lower-cased, syntactically plausible email address, or a 400 naming ``field``."""
    if not isinstance(value, str):
        raise BadRequest(f"{field} must be an email address string")
    address = value.strip().lower()
    if len(address) > 254 or not _EMAIL.match(address):
        raise BadRequest(f"{field} {value!r} is not a valid email address")
    return address


def split_email_list(value: object, *, field: str) -> list[str]:
    """Parse a comma-separated list of emails (the Desk365 cc/bcc format)."""
    if value is None:
        return []
    if not isinstance(value, str):
        raise BadRequest(f"{field} must be a comma-separated string of email addresses")
    parts = [part.strip() for part in value.split(",")]
    addresses: list[str] = []
    for part in parts:
        if part:
            address = normalize_email(part, field=field)
            if address not in addresses:
                addresses.append(address)
    return addresses


# C0 control characters and DEL, tab excepted: a line break in a subject or a
# name would become a header break when that text is put into an email.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def is_single_line(value: str) -> bool:
    """True when ``value`` holds no line break or other control character."""
    return _CONTROL.search(value) is None
