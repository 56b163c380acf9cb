"""Request header limits: hostile or broken clients get a 431 with the error body.

Three limits, from settings (docs/configuration.md), checked before anything
else in the application runs (no authentication, no database):

- ``max_header_fields``: how many header fields a request may carry;
- ``max_header_field_bytes``: the size of one field, its name plus its value;
- ``max_header_bytes``: the size of all fields together, names plus values.

Sizes count the bytes as received, without the ``: `` and line ends. A
request over any limit is answered ``431 Request Header Fields Too Large``
with the usual ``{status, error, message}`` body naming the limit. uvicorn
has a limit of its own on the whole request head, which ``supportdesk serve``
sets well above these (``UVICORN_HEAD_FACTOR``) so that clients see this
answer; a head beyond uvicorn's limit gets uvicorn's plain-text 400.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from supportdesk.api.errors import error_response

STATUS = 431
# ``serve`` lets uvicorn buffer this many times ``max_header_bytes`` of request
# head (request line included) before it gives up with its own answer.
UVICORN_HEAD_FACTOR = 4
# A field name quoted in a message is cut here: the name itself may be the attack.
_NAME_SHOWN = 64


def _shown(name: bytes) -> str:
    text = name.decode("latin-1")
    return text if len(text) <= _NAME_SHOWN else text[:_NAME_SHOWN] + "..."


def header_problem(headers: list[tuple[bytes, bytes]], *, max_fields: int,
                   max_field_bytes: int, max_total_bytes: int) -> str | None:
    """Why ``headers`` break a limit (the error message), or None when they do not."""
    if len(headers) > max_fields:
        return (f"the request has {len(headers)} header fields; at most {max_fields} "
                "are accepted")
    total = 0
    for name, value in headers:
        size = len(name) + len(value)
        if size > max_field_bytes:
            return (f"the {_shown(name)} header is {size} bytes (name and value); at most "
                    f"{max_field_bytes} bytes per header field are accepted")
        total += size
    if total > max_total_bytes:
        return (f"the request headers are {total} bytes (names and values); at most "
                f"{max_total_bytes} bytes in all are accepted")
    return None


class HeaderLimits:
    """Refuse requests whose headers break a limit, with a 431, before the app runs."""

    def __init__(self, app: ASGIApp, *, max_fields: int, max_field_bytes: int,
                 max_total_bytes: int) -> None:
        self.app = app
        self.max_fields = max_fields
        self.max_field_bytes = max_field_bytes
        self.max_total_bytes = max_total_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            problem = header_problem(list(scope.get("headers", [])),
                                     max_fields=self.max_fields,
                                     max_field_bytes=self.max_field_bytes,
                                     max_total_bytes=self.max_total_bytes)
            if problem is not None:
                await error_response(STATUS, problem)(scope, receive, send)
                return
        await self.app(scope, receive, send)
