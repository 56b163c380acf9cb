"""The legacy Desk365 paths: ``/apis/v2/<endpoint>`` and ``/apis/<endpoint>`` (v1).

They serve the v3 operations with the differences the vendor's guide lists
as new in v3 (see docs/api.md, "Legacy v1 and v2 paths"):

- custom field keys are the bare labels, without ``cf_``, in responses and
  in requests (ticket create/update bodies, the ``ticket_object`` part of
  ``create_with_attachment``, and ``custom_fields`` in ``filters``);
- ticket responses carry no SLA name (no ``sla`` key);
- the ticket list and ticket search have a fixed page of 30 (``ticket_count``
  is ignored);
- an advanced search names custom fields in ``search_in`` by bare label.

Every v3 operation is served, ``tickets/search`` and ``asset_mgmt/...``
included: the guide lists what changed in v3 and says of no operation that
v1/v2 lacked it. The one exception is the attachment download, which is not
an endpoint clients address but the ``attachment_url`` responses hand out
(always on the v3 path).

Every legacy response carries ``Deprecation`` (RFC 9745), ``Sunset``
(RFC 8594) and ``Link: <.../apis/api-docs.html>; rel="deprecation"``.

One ASGI layer does it: it rewrites the path to ``/apis/v3/...``, translates
the request, runs the v3 application, and translates the answer. The
translation itself is pure functions over bytes and JSON values, so it is
tested without a server. The layer sits outside every other middleware
(body limit, error handling) so that even a 413 or a 500 on a legacy path
carries the deprecation headers.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import quote, unquote_plus

import orjson
from fastapi import FastAPI
from starlette.datastructures import URL, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from supportdesk.api.errors import error_body
from supportdesk.search.query import ADVANCED_FIELDS

V3 = "/apis/v3/"
V2 = "/apis/v2/"
V1 = "/apis/"

# When v3 became the current version, and when the legacy paths go away.
DEPRECATED_AT = datetime(2025, 1, 1, tzinfo=UTC)
SUNSET_AT = datetime(2027, 7, 1, tzinfo=UTC)
DEPRECATION = f"@{int(DEPRECATED_AT.timestamp())}"
SUNSET = format_datetime(SUNSET_AT, usegmt=True)
DOCS_PATH = "/apis/api-docs.html"

_KB_VERBS = ("details", "create", "update", "delete")
# Every v3 operation (tests/integration/test_legacy_surface.py checks it against the
# app's routes), attachment downloads aside.
LEGACY_ENDPOINTS = frozenset({
    "ping", "agents",
    "tickets", "tickets/search", "tickets/details", "tickets/create", "tickets/update",
    "tickets/conversations",
    "tickets/add_reply", "tickets/add_note", "tickets/create_with_attachment",
    "tickets/add_reply_with_attachment", "tickets/add_note_with_attachment",
    "contacts", "contacts/details", "contacts/create", "contacts/update",
    "companies", "companies/details", "companies/create", "companies/update",
    "time_entries", "time_entries/details",
    "surveys", "surveys/details", "surveys/ratings",
    "contracts", "contracts/details", "contracts/create", "contracts/update",
    "kb/article",
    *(f"kb/{kind}/{verb}" for kind in ("article", "category", "folder") for verb in _KB_VERBS),
    "asset_mgmt/locations", "asset_mgmt/locations/details", "asset_mgmt/locations/create",
    "asset_mgmt/locations/update",
})
# First path segments that make ``/apis/<segment>/...`` a v1 call.
V1_ROOTS = frozenset({e.split("/")[0] for e in LEGACY_ENDPOINTS})

TICKET_BODY_ENDPOINTS = frozenset({"tickets/create", "tickets/update"})
TICKET_MULTIPART_ENDPOINT = "tickets/create_with_attachment"
TICKET_PART = "ticket_object"
SEARCH_ENDPOINT = "tickets/search"
# Endpoints whose ``ticket_count`` is dropped: v1/v2 pages hold 30.
FIXED_PAGE_ENDPOINTS = frozenset({"tickets", SEARCH_ENDPOINT})
TICKET_RESPONSE_ENDPOINTS = frozenset({"tickets", SEARCH_ENDPOINT, "tickets/details",
                                       "tickets/create", "tickets/update",
                                       TICKET_MULTIPART_ENDPOINT})

_CF = "cf_"
# ``cf_`` where an error message quotes a custom field key or lists the known ones
# (and search's "use subject, ticket_number or cf_<Label>").
_CF_IN_MESSAGE = re.compile(
    r"(?:(?<=['\"])|(?<=: )|(?<=, )|(?<=custom_fields\.)|(?<=or ))cf_")
_PART_NAME = re.compile(rb'content-disposition:[^\r\n]*;\s*name="([^"]*)"', re.IGNORECASE)
_PART_FILENAME = re.compile(rb"content-disposition:[^\r\n]*;\s*filename", re.IGNORECASE)
_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)


@dataclass(frozen=True)
class LegacyPath:
    """A request path on a legacy prefix: which version, which endpoint, the v3 path."""

    version: str  # "v1" or "v2"
    endpoint: str  # e.g. "tickets/details", without a trailing slash
    v3_path: str

    @property
    def is_served(self) -> bool:
        return self.endpoint in LEGACY_ENDPOINTS

    @property
    def prefix(self) -> str:
        return V2 if self.version == "v2" else V1


def legacy_path(path: str) -> LegacyPath | None:
    """The legacy reading of ``path``, or None when it is not a legacy path.

    ``/apis/v2/<anything>`` is v2. ``/apis/<endpoint>`` is v1 only when its
    first segment names a Desk365 resource, so ``/apis/v3/...``,
    ``/apis/admin/...``, the docs page and its assets pass untouched.
    """
    if path.startswith(V2):
        rest = path[len(V2):]
        return LegacyPath("v2", rest.strip("/"), V3 + rest)
    if path.startswith(V1):
        rest = path[len(V1):]
        if rest.split("/")[0] in V1_ROOTS:
            return LegacyPath("v1", rest.strip("/"), V3 + rest)
    return None


def deprecation_headers(scheme: str, host: str) -> list[tuple[bytes, bytes]]:
    """The headers every legacy response carries; the link names the v3 docs on ``host``."""
    link = f'<{scheme}://{host}{DOCS_PATH}>; rel="deprecation"'
    return [(b"deprecation", DEPRECATION.encode()), (b"sunset", SUNSET.encode()),
            (b"link", link.encode("latin-1"))]


# --- requests -------------------------------------------------------------------


def prefix_custom_fields(values: dict[str, Any]) -> dict[str, Any]:
    """Bare labels (v1/v2) -> ``cf_<Label>`` keys (v3)."""
    return {_CF + str(key): value for key, value in values.items()}


def translate_filters(raw: str) -> str:
    """``filters`` with ``custom_fields`` keys prefixed; anything unparsable is left
    for the v3 parser to refuse with its own message."""
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return raw
    if not isinstance(document, dict) or not isinstance(document.get("custom_fields"), dict):
        return raw
    document["custom_fields"] = prefix_custom_fields(document["custom_fields"])
    return orjson.dumps(document).decode()


def translate_search_query(raw: str) -> str:
    """An advanced ``search_query`` with ``search_in`` labels prefixed (``Department``
    -> ``cf_Department``); ``subject`` and ``ticket_number`` stay. A simple search has
    codes, not names, and anything unparsable is left for the v3 parser to refuse."""
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return raw
    if not isinstance(document, dict) or not isinstance(document.get("search_term"), list):
        return raw

    def field(name: object) -> object:
        if isinstance(name, str) and name not in ADVANCED_FIELDS:
            return _CF + name
        return name

    for term in document["search_term"]:
        if not isinstance(term, dict):
            continue
        fields = term.get("search_in")
        if isinstance(fields, list):
            term["search_in"] = [field(name) for name in fields]
        elif isinstance(fields, str):
            term["search_in"] = field(fields)
    return orjson.dumps(document).decode()


_QUERY_TRANSLATIONS: dict[str, Callable[[str], str]] = {
    "filters": translate_filters,
    TICKET_PART: lambda value: translate_ticket_json(value.encode()).decode(),
    "search_query": translate_search_query,
}
_TRANSLATED_PARAMETERS: dict[str, frozenset[str]] = {
    "tickets": frozenset({"filters"}),
    TICKET_MULTIPART_ENDPOINT: frozenset({TICKET_PART}),
    SEARCH_ENDPOINT: frozenset({"search_query"}),
}


def translate_query(query: bytes, endpoint: str) -> bytes:
    """The query string for v3: ``ticket_count`` dropped from the ticket list and
    search (v1/v2 pages hold 30); ``filters``, a ``ticket_object`` given in the query
    and ``search_query`` translated. Every other parameter is kept byte for byte."""
    translated = _TRANSLATED_PARAMETERS.get(endpoint)
    if translated is None or not query:
        return query
    kept: list[bytes] = []
    for segment in query.split(b"&"):
        raw_name, _, raw_value = segment.partition(b"=")
        name = unquote_plus(raw_name.decode("latin-1"))
        if endpoint in FIXED_PAGE_ENDPOINTS and name == "ticket_count":
            continue
        if name in translated:
            try:
                value = unquote_plus(raw_value.decode("ascii"), errors="strict")
            except UnicodeError:
                kept.append(segment)
                continue
            new = _QUERY_TRANSLATIONS[name](value)
            kept.append(raw_name + b"=" + quote(new, safe="").encode())
            continue
        kept.append(segment)
    return b"&".join(kept)


def translate_ticket_json(body: bytes) -> bytes:
    """A ticket create/update body for v3: ``custom_fields`` keys prefixed with ``cf_``.

    A body that is not a JSON object is passed on for v3 to refuse.
    """
    try:
        document = orjson.loads(body)
    except orjson.JSONDecodeError:
        return body
    if not isinstance(document, dict):
        return body
    if not isinstance(document.get("custom_fields"), dict):
        return body
    document["custom_fields"] = prefix_custom_fields(document["custom_fields"])
    return orjson.dumps(document)


def multipart_boundary(content_type: str) -> bytes | None:
    """The boundary of a ``multipart/form-data`` content type, or None."""
    if not content_type.lower().startswith("multipart/form-data"):
        return None
    match = _BOUNDARY.search(content_type)
    return match.group(1).encode("latin-1") if match else None


def translate_multipart(body: bytes, boundary: bytes, part: str,
                        translate: Callable[[bytes], bytes]) -> bytes:
    """``body`` with the content of the (non-file) form field ``part`` replaced by
    ``translate(content)``; every other byte is kept."""
    delimiter = b"--" + boundary
    pieces = body.split(delimiter)
    wanted = part.encode()
    for index in range(1, len(pieces)):
        head, separator, content = pieces[index].partition(b"\r\n\r\n")
        if not separator:
            continue
        name = _PART_NAME.search(head)
        if name is None or name.group(1) != wanted or _PART_FILENAME.search(head):
            continue
        data, ending = (content[:-2], b"\r\n") if content.endswith(b"\r\n") else (content, b"")
        pieces[index] = head + separator + translate(data) + ending
    return delimiter.join(pieces)


# --- responses ------------------------------------------------------------------


def legacy_ticket(ticket: dict[str, Any]) -> dict[str, Any]:
    """A v3 ticket as v1/v2 show it: no ``sla``, custom field keys without ``cf_``.

    Flattened keys (``nested_fields=1``) lose the prefix too, unless the bare
    label would replace one of the ticket's own fields (a field labelled
    "status"): then it keeps ``cf_`` rather than hide data.
    """
    own = {key for key in ticket if not key.startswith(_CF)}
    result: dict[str, Any] = {}
    for key, value in ticket.items():
        if key == "sla":
            continue
        if key == "custom_fields" and isinstance(value, dict):
            result[key] = {k.removeprefix(_CF): v for k, v in value.items()}
            continue
        bare = key.removeprefix(_CF)
        result[bare if bare not in own and bare not in result else key] = value
    return result


def legacy_next_page(next_page: str, original: URL) -> str:
    """The next page on the legacy path, with the caller's own query and the new offset."""
    offset = QueryParams(URL(next_page).query).get("offset", "0")
    return str(original.include_query_params(offset=offset))


def translate_response(payload: Any, endpoint: str, original: URL) -> Any:
    """A v3 JSON answer of a ticket endpoint, as v1/v2 send it."""
    if not isinstance(payload, dict):
        return payload
    if isinstance(payload.get("tickets"), list):
        payload = {**payload, "tickets": [legacy_ticket(t) if isinstance(t, dict) else t
                                          for t in payload["tickets"]]}
        if isinstance(payload.get("next_page"), str):
            payload["next_page"] = legacy_next_page(payload["next_page"], original)
        return payload
    if "ticket_number" in payload and "subject" in payload:
        return legacy_ticket(payload)
    return payload


def legacy_error_message(message: str) -> str:
    """An error message with custom field keys as the legacy client wrote them."""
    return _CF_IN_MESSAGE.sub("", message)


def translate_error(payload: Any) -> Any:
    if isinstance(payload, dict) and isinstance(payload.get("message"), str):
        return {**payload, "message": legacy_error_message(payload["message"])}
    return payload


# --- the ASGI layer -------------------------------------------------------------


class LegacyApi:
    """Serve the legacy paths through the v3 application (see the module docstring)."""

    def __init__(self, app: ASGIApp, max_body_bytes: Callable[[], int]) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        legacy = legacy_path(scope["path"]) if scope["type"] == "http" else None
        if legacy is None:
            await self.app(scope, receive, send)
            return
        extra = deprecation_headers(scope.get("scheme", "http"), _host(scope))
        if not legacy.is_served:
            await _send_error(send, 404, None, extra)
            return
        original = URL(scope=scope)
        inner = dict(scope)
        inner["path"] = legacy.v3_path
        raw_path = scope.get("raw_path") or b""
        inner["raw_path"] = (V3.encode() + raw_path[len(legacy.prefix):]
                             if raw_path.startswith(legacy.prefix.encode())
                             else legacy.v3_path.encode())
        inner["query_string"] = translate_query(scope.get("query_string", b""), legacy.endpoint)
        receive = await self._translated_body(inner, receive, legacy.endpoint)
        transform = legacy.endpoint in TICKET_RESPONSE_ENDPOINTS
        await self.app(inner, receive, _Responder(send, extra, transform, legacy, original))

    async def _translated_body(self, scope: Scope, receive: Receive, endpoint: str) -> Receive:
        """Read and translate the body of a ticket create/update; anything else streams."""
        content_type = _header(scope, b"content-type")
        boundary = multipart_boundary(content_type)
        translate: Callable[[bytes], bytes]
        if endpoint in TICKET_BODY_ENDPOINTS and boundary is None:
            translate = translate_ticket_json
        elif endpoint == TICKET_MULTIPART_ENDPOINT and boundary is not None:
            def translate(body: bytes) -> bytes:
                return translate_multipart(body, boundary, TICKET_PART, translate_ticket_json)
        else:
            return receive
        chunks, complete = await _read_body(receive, self.max_body_bytes())
        if not complete:
            # Over the limit: pass it on unread for the body limit to refuse.
            return _replay(chunks, receive, more_body=True)
        body = translate(b"".join(chunks))
        scope["headers"] = [(name, value) for name, value in scope["headers"]
                            if name != b"content-length"]
        scope["headers"].append((b"content-length", str(len(body)).encode()))
        return _replay([body], receive, more_body=False)


class _Responder:
    """Adds the deprecation headers; for ticket endpoints, rewrites the JSON answer."""

    def __init__(self, send: Send, extra: list[tuple[bytes, bytes]], transform: bool,
                 legacy: LegacyPath, original: URL) -> None:
        self.send = send
        self.extra = extra
        self.transform = transform
        self.legacy = legacy
        self.original = original
        self.start: Message | None = None
        self.buffer: list[bytes] = []

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = [*message.get("headers", []), *self.extra]
            message = {**message, "headers": headers}
            is_json = any(name.lower() == b"content-type" and value.startswith(b"application/json")
                          for name, value in headers)
            if self.transform and is_json and message["status"] < 500:
                self.start = message
                return
            await self.send(message)
            return
        if message["type"] == "http.response.body" and self.start is not None:
            self.buffer.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = self._rewrite(self.start["status"], b"".join(self.buffer))
            headers = [(n, v) for n, v in self.start["headers"] if n.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await self.send({**self.start, "headers": headers})
            await self.send({"type": "http.response.body", "body": body, "more_body": False})
            self.start = None
            return
        await self.send(message)

    def _rewrite(self, status: int, body: bytes) -> bytes:
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError:
            return body
        if status >= 400:
            return orjson.dumps(translate_error(payload))
        return orjson.dumps(translate_response(payload, self.legacy.endpoint, self.original))


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return ""


def _host(scope: Scope) -> str:
    host = _header(scope, b"host")
    if host:
        return host
    server = scope.get("server")
    return f"{server[0]}:{server[1]}" if server else "localhost"


async def _read_body(receive: Receive, limit: int) -> tuple[list[bytes], bool]:
    """The request body's chunks, and whether it all arrived within ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return chunks, True
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return chunks, False
        if not message.get("more_body", False):
            return chunks, True


def _replay(chunks: list[bytes], receive: Receive, *, more_body: bool) \
        -> Callable[[], Awaitable[Message]]:
    """A receive that hands out ``chunks`` first, then continues with ``receive``."""
    pending = [{"type": "http.request", "body": b"".join(chunks), "more_body": more_body}]

    async def replayed() -> Message:
        if pending:
            return pending.pop()
        return await receive()

    return replayed


async def _send_error(send: Send, status: int, message: str | None,
                      extra: list[tuple[bytes, bytes]]) -> None:
    body = orjson.dumps(error_body(status, message))
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *extra]})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def install_legacy(app: FastAPI) -> None:
    """Serve the legacy v1/v2 paths on ``app``, outside every other middleware.

    ``app.py`` adds the body-size limit after calling this, and Starlette puts
    error handling outermost; wrapping the built stack is the one way to see
    (and label) every response, 413 and 500 included.
    """
    build = app.build_middleware_stack

    def build_with_legacy() -> ASGIApp:
        return LegacyApi(build(), lambda: int(app.state.settings.max_request_bytes))

    # Instance attribute on purpose: Starlette calls it once, on the first request.
    setattr(app, "build_middleware_stack", build_with_legacy)  # noqa: B010
