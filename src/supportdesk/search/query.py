"""The search language: ``search_type``/``search_query`` parsed into terms.

Pure parsing; every mistake is a ``BadRequest`` naming what was wrong.

A query is split into *chunks*: a ``"quoted phrase"`` is one chunk, and so
is every whitespace-separated word outside quotes. Each chunk must match (in
any order); the words inside one chunk must appear together, in order (so
``john@acme.com`` or ``e-mail`` match as written). A word ending in ``*``
matches any word starting with it (``print*``). A ``*`` before a letter or
digit of a word (``*rint``, ``pr*nter``) is a 400: only prefixes are
supported, and such a word would otherwise silently match nothing like it.
Inside quotes ``*`` is punctuation, as in the text searched. ``AND``,
``OR`` and ``NOT`` are ordinary words: no boolean operators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson

from supportdesk.errors import BadRequest
from supportdesk.search.documents import tokens

MAX_SEARCH_QUERY_CHARS = 8_000
MAX_QUERY_CHARS = 500
MAX_CHUNKS = 32
MAX_TERMS = 10

# search_in codes of a simple search -> index sections.
CODE_SECTIONS: dict[int, tuple[str, ...]] = {
    1: ("number", "subject"),
    2: ("description",),
    3: ("conversations",),
    4: ("attachments",),
    5: ("custom",),  # text and paragraph fields (documents.TEXT_FIELD_TYPES)
    6: ("people",),
}
ARCHIVED_CODE = 7
ADVANCED_FIELDS: dict[str, str] = {"subject": "subject", "ticket_number": "number"}
CUSTOM_PREFIX = "cf_"

_PIECES = re.compile(r'"([^"]*)"?|([^\s"]+)')
# A letter or digit: a character of a word, as documents.tokens reads words.
_WORD_CHARACTER = re.compile(r"[^\W_]")


@dataclass(frozen=True)
class Chunk:
    """Words that must appear together; ``is_prefix`` lets the last one be a prefix."""

    text: str
    is_prefix: bool = False


@dataclass(frozen=True)
class Term:
    """A query and where it must match.

    ``sections``: index sections read as one text (a simple search). An
    advanced term names ``fields`` instead (``subject``, ``ticket_number``,
    ``cf_<Label>``) and matches when its query matches within any one of them.
    """

    chunks: tuple[Chunk, ...]
    sections: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchRequest:
    """A parsed search: every term must match."""

    terms: tuple[Term, ...]
    is_advanced: bool
    include_archived: bool = False


def parse_chunks(query: object, name: str) -> tuple[Chunk, ...]:
    """Split a query into chunks; an empty or word-less query is a 400."""
    if not isinstance(query, str):
        raise BadRequest(f"{name} must be a string")
    if "\x00" in query:
        raise BadRequest(f"{name} must not contain NUL characters")
    if not query.strip():
        raise BadRequest(f"{name} is required and must not be empty")
    if len(query) > MAX_QUERY_CHARS:
        raise BadRequest(f"{name} is longer than {MAX_QUERY_CHARS} characters")
    chunks: list[Chunk] = []
    for match in _PIECES.finditer(query):
        phrase, word = match.group(1), match.group(2)
        chunk = Chunk(" ".join(phrase.split())) if phrase is not None \
            else _word_chunk(word, name)
        if tokens(chunk.text):
            chunks.append(chunk)
    if not chunks:
        raise BadRequest(f"{name} has no words to search for (letters or digits)")
    if len(chunks) > MAX_CHUNKS:
        raise BadRequest(f"{name} has more than {MAX_CHUNKS} words or phrases")
    return tuple(chunks)


def _word_chunk(word: str, name: str) -> Chunk:
    """A piece of the query outside quotes, as a chunk.

    A ``*`` after its last letter or digit makes it a prefix (``print*``,
    ``(print*)``); one before it is a 400 that names the piece.
    """
    characters = [match.start() for match in _WORD_CHARACTER.finditer(word)]
    if not characters:  # no word in it: the caller leaves it out
        return Chunk(word)
    last = characters[-1]
    if "*" in word[:last]:
        raise BadRequest(f"{name}: {word!r} has a * at its start or inside it; only a "
                         "trailing * is supported (prefix match, e.g. print*)")
    return Chunk(word.replace("*", ""), is_prefix="*" in word[last:])


def _document(raw: str | None) -> dict[str, Any]:
    if raw is None or not raw.strip():
        raise BadRequest("search_query is required")
    if len(raw) > MAX_SEARCH_QUERY_CHARS:
        raise BadRequest(f"search_query is longer than {MAX_SEARCH_QUERY_CHARS} characters")
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise BadRequest(f"search_query is not valid JSON: {error.msg} at position "
                         f"{error.pos}") from None
    if not isinstance(document, dict):
        raise BadRequest("search_query must be a JSON object")
    return document


def _only_keys(document: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    for key in document:
        if key not in allowed:
            raise BadRequest(f"{where}: unknown key {key!r}; expected {', '.join(allowed)}")


def _code(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip())
    else:
        raise BadRequest(f"search_query.search_in: codes must be numbers 1 to 7, got {value!r}")
    if number not in CODE_SECTIONS and number != ARCHIVED_CODE:
        raise BadRequest(f"search_query.search_in: unknown code {number}; codes are 1 subject "
                         "and number, 2 description, 3 conversations, 4 attachment names, "
                         "5 text custom fields, 6 contacts and companies, 7 include "
                         "archived")
    return number


def _simple(document: dict[str, Any]) -> SearchRequest:
    _only_keys(document, ("query", "search_in"), "search_query")
    chunks = parse_chunks(document.get("query"), "search_query.query")
    codes_raw = document.get("search_in")
    if codes_raw is None:
        codes_raw = []
    if not isinstance(codes_raw, list):
        raise BadRequest("search_query.search_in must be an array of codes, e.g. [1, 2]")
    codes = {_code(value) for value in codes_raw}
    chosen = sorted(codes - {ARCHIVED_CODE}) or sorted(CODE_SECTIONS)
    sections = tuple(s for code in chosen for s in CODE_SECTIONS[code])
    return SearchRequest(terms=(Term(chunks=chunks, sections=sections),), is_advanced=False,
                         include_archived=ARCHIVED_CODE in codes)


def _advanced(document: dict[str, Any]) -> SearchRequest:
    _only_keys(document, ("search_term",), "search_query")
    raw_terms = document.get("search_term")
    if not isinstance(raw_terms, list) or not raw_terms:
        raise BadRequest('search_query.search_term must be a non-empty array of '
                         '{"query": "...", "search_in": ["subject"]} objects')
    if len(raw_terms) > MAX_TERMS:
        raise BadRequest(f"search_query.search_term has more than {MAX_TERMS} terms")
    terms: list[Term] = []
    for index, raw in enumerate(raw_terms):
        where = f"search_query.search_term[{index}]"
        if not isinstance(raw, dict):
            raise BadRequest(f"{where} must be an object with query and search_in")
        _only_keys(raw, ("query", "search_in"), where)
        chunks = parse_chunks(raw.get("query"), f"{where}.query")
        fields = raw.get("search_in")
        if isinstance(fields, str):
            fields = [fields]
        if not isinstance(fields, list) or not fields:
            raise BadRequest(f'{where}.search_in must be a non-empty array such as '
                             f'["subject"], ["ticket_number"] or ["cf_<Label>"]')
        names: list[str] = []
        for name in fields:
            if not isinstance(name, str) or not (
                    name in ADVANCED_FIELDS or name.startswith(CUSTOM_PREFIX)):
                raise BadRequest(f"{where}.search_in: unknown field {name!r}; use subject, "
                                 "ticket_number or cf_<Label>")
            if name not in names:
                names.append(name)
        terms.append(Term(chunks=chunks, fields=tuple(names)))
    return SearchRequest(terms=tuple(terms), is_advanced=True)


def parse_search(search_type: str | None, search_query: str | None) -> SearchRequest:
    """Parse the two parameters; ``search_type`` 1 (default) simple, 2 advanced."""
    kind = (search_type or "1").strip() or "1"
    if kind not in ("1", "2"):
        raise BadRequest(f"search_type must be 1 (simple) or 2 (advanced), got {search_type!r}")
    document = _document(search_query)
    return _simple(document) if kind == "1" else _advanced(document)
