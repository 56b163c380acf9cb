"""What the index knows about a ticket: the text of each section.

A ticket's search document is rebuilt whole whenever something it shows
changes. Long texts are read up to a limit, which keeps every document well
inside PostgreSQL's tsvector limits (1 MB, positions up to 16,383) and the
two databases' results alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from supportdesk.catalog.snapshot import FieldDef

# Custom field types whose values are words a person would search for.
WORD_FIELD_TYPES = frozenset({"text", "paragraph", "dropdown", "multi-select"})
# Those that hold free text: Desk365's "text custom fields", which search_in
# code 5 (the ``custom`` section) reads. Dropdown and multi-select values are
# choices from a list: an advanced term names their field (``cf_<Label>``).
TEXT_FIELD_TYPES = frozenset({"text", "paragraph"})
MAX_DESCRIPTION_CHARS = 30_000
MAX_CONVERSATION_CHARS = 60_000
MAX_ATTACHMENT_CHARS = 5_000
MAX_CUSTOM_CHARS = 20_000

# Letters and digits, as SQLite's unicode61 tokenizer reads a token.
_TOKEN = re.compile(r"[^\W_]+")
# Consonants only (no y): a prefix of them leaves a word's stem unchanged under
# both Porter (SQLite) and Snowball English (PostgreSQL), which measure a word
# by its vowel-consonant sequences.
_MARKER_DIGITS = "bcdfghjklmnpqrstvwz"


def tokens(text: str) -> list[str]:
    """The words of ``text`` as the index splits them (letters and digits)."""
    return _TOKEN.findall(text)


def field_marker(field_id: int) -> str:
    """The prefix that tags a token of custom field ``field_id`` in ``fields``.

    ``zq`` + the id in consonant digits + ``x``: ``x`` is no digit, so no
    field's marker is a prefix of another's.
    """
    digits = ""
    value = field_id
    while True:
        value, rest = divmod(value, len(_MARKER_DIGITS))
        digits = _MARKER_DIGITS[rest] + digits
        if value == 0:
            break
    return f"zq{digits}x"


def tag_words(field_id: int, text: str) -> str:
    """``text``'s words, each prefixed with the marker of ``field_id``."""
    marker = field_marker(field_id)
    return " ".join(marker + token for token in tokens(text))


def word_fields(fields: Iterable[FieldDef]) -> list[FieldDef]:
    """The custom fields search reads (text, paragraph, dropdown, multi-select)."""
    return [f for f in fields if f.field_type in WORD_FIELD_TYPES]


@dataclass(frozen=True)
class TicketSource:
    """The raw material of one ticket's document."""

    number: int
    subject: str
    description_text: str | None
    custom_fields: dict[str, Any]
    contact_name: str | None
    contact_email: str | None
    company_name: str | None
    conversation_texts: Sequence[str] = field(default_factory=tuple)
    attachment_names: Sequence[str] = field(default_factory=tuple)


def _value_text(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(str(item) for item in value)
    return "" if value is None else str(value)


def _capped(parts: Iterable[str], limit: int) -> str:
    text = ""
    for part in parts:
        if not part:
            continue
        text = f"{text}\n{part}" if text else part
        if len(text) >= limit:
            return text[:limit]
    return text


def build_document(source: TicketSource, fields: Sequence[FieldDef], *,
                   custom_types: frozenset[str] = TEXT_FIELD_TYPES) -> dict[str, str]:
    """Section name -> text for ``source``; ``fields`` are the word-valued fields.

    ``custom`` holds the values of the fields of ``custom_types``; ``fields``
    holds every word-valued field's, tagged. (Documents written before
    migration 0015 had every word-valued field in ``custom``: the
    migrations pass the types of their revision.)
    """
    custom_values = [(f.id, f.field_type, _value_text(source.custom_fields.get(str(f.id))))
                     for f in fields]
    people = [source.contact_name or "", source.contact_email or "", source.company_name or ""]
    return {
        "number": str(source.number),
        "subject": source.subject,
        "attachments": _capped(source.attachment_names, MAX_ATTACHMENT_CHARS),
        "custom": _capped((text for _id, kind, text in custom_values if kind in custom_types),
                          MAX_CUSTOM_CHARS),
        "people": " ".join(part for part in people if part),
        "fields": _capped((tag_words(field_id, text) for field_id, _kind, text in custom_values),
                          MAX_CUSTOM_CHARS),
        "description": (source.description_text or "")[:MAX_DESCRIPTION_CHARS],
        "conversations": _capped(source.conversation_texts, MAX_CONVERSATION_CHARS),
    }
