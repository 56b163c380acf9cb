"""``Idempotency-Key`` on POST: a retried create returns the first response.

A pure ASGI middleware, so it covers every create endpoint (v3, legacy and
admin) without touching a route. Only POST requests that carry the header
take part; everything else passes straight through.

A request is admitted (``api.admission``: the address's failed attempts, the
key, the call's cost) before its key is claimed or a stored answer replayed:
a replay is a call like any other, it carries the rate-limit headers, and an
address blocked for guessing keys is refused whatever it sends. Only answers
of requests the route handled are remembered: a refusal (401, 403, 429) or a
server error (5xx) is not, so a retry after it runs afresh.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from supportdesk.api.admission import admit, routed_path
from supportdesk.api.errors import domain_error_response, error_response
from supportdesk.clock import Clock
from supportdesk.db.session import Database
from supportdesk.errors import SupportdeskError
from supportdesk.idempotency.service import (
    InProgress,
    RequestKey,
    StoredResponse,
    claim,
    release,
    remember,
)
from supportdesk.ratelimit.limiter import RateLimiter

HEADER = b"idempotency-key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")
BOUNDARY = re.compile(rb"boundary=\"?([^\";]+)\"?")
# How long a retry waits for the first request with its key to finish.
WAIT_SECONDS = 30.0
POLL_SECONDS = 0.05
# Refusals: the request was not handled, so a retry must be judged afresh.
NOT_REMEMBERED = frozenset({401, 403, 429})


def fingerprint(method: str, path: str, query: bytes, content_type: bytes,
                body: bytes) -> str:
    """A hash of what the request asks for.

    A multipart body's boundary is random per encoding, so it is left out:
    the same files and fields sent again are the same request.
    """
    match = BOUNDARY.search(content_type)
    if match is not None:
        body = body.replace(match.group(1), b"")
        content_type = content_type.replace(match.group(1), b"")
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), query, content_type, body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" \
                or not scope["path"].startswith("/apis/"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        raw_key = headers.get(HEADER)
        if raw_key is None:
            await self.app(scope, receive, send)
            return
        idempotency_key = raw_key.decode("latin-1")
        if not KEY_PATTERN.match(idempotency_key):
            await error_response(400, "the Idempotency-Key header must be 1 to 255 visible "
                                 "ASCII characters")(scope, receive, send)
            return
        state = scope["app"].state
        database: Database = state.database
        clock: Clock = state.clock
        try:
            key = await run_in_threadpool(_request_key, scope, headers, idempotency_key)
        except SupportdeskError as error:
            await domain_error_response(error)(scope, receive, send)
            return
        body = await _read_body(receive)
        request_print = fingerprint(scope["method"], scope["path"], scope.get("query_string", b""),
                             headers.get(b"content-type", b""), body)
        try:
            stored = await _claim_or_wait(database, clock, key, request_print)
        except SupportdeskError as error:
            await error_response(error.status_code, error.message)(scope, receive, send)
            return
        if isinstance(stored, StoredResponse):
            await _replay(stored, send)
            return
        if isinstance(stored, InProgress):
            await error_response(409, f"a request with the Idempotency-Key "
                                 f"{idempotency_key!r} is still being processed; retry "
                                 "later")(scope, receive, send)
            return
        await self._run_and_remember(scope, body, send, database, key)

    async def _run_and_remember(self, scope: Scope, body: bytes, send: Send,
                                database: Database, key: RequestKey) -> None:
        messages: list[Message] = []
        sent_body = False

        async def replay_receive() -> Message:
            nonlocal sent_body
            if not sent_body:
                sent_body = True
                return {"type": "http.request", "body": body, "more_body": False}
            return {"type": "http.disconnect"}

        async def capture(message: Message) -> None:
            messages.append(message)

        try:
            await self.app(scope, replay_receive, capture)
        except BaseException:
            await run_in_threadpool(release, database, key)
            raise
        start = next(m for m in messages if m["type"] == "http.response.start")
        status = int(start["status"])
        if status >= 500 or status in NOT_REMEMBERED:
            await run_in_threadpool(release, database, key)
        else:
            content_type = next((v.decode("latin-1") for k, v in start.get("headers", [])
                                 if k.lower() == b"content-type"), None)
            payload = b"".join(m.get("body", b"") for m in messages
                               if m["type"] == "http.response.body")
            await run_in_threadpool(remember, database, key,
                                    StoredResponse(status, content_type, payload))
        for message in messages:
            await send(message)


def _request_key(scope: Scope, headers: dict[bytes, bytes], idempotency_key: str) -> RequestKey:
    """Admit the request (once: the route's own admission then finds it done)."""
    app_state = scope["app"].state
    limiter: RateLimiter = app_state.rate_limiter
    authorization = headers.get(b"authorization")
    host = headers.get(b"host")
    client = scope.get("client")
    context = admit(
        scope.setdefault("state", {}), database=app_state.database,
        settings=app_state.settings, clock=app_state.clock, limiter=limiter,
        host=host.decode("latin-1") if host else None,
        authorization=authorization.decode("latin-1") if authorization else None,
        address=client[0] if client else "unknown", path=routed_path(scope))
    return RequestKey(tenant_id=context.tenant_id, api_key_id=context.api_key_id,
                      idempotency_key=idempotency_key)


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _claim_or_wait(database: Database, clock: Clock, key: RequestKey,
                         request_print: str) -> StoredResponse | InProgress | None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_SECONDS
    while True:
        outcome = await run_in_threadpool(claim, database, clock, key, request_print)
        if not isinstance(outcome, InProgress) or loop.time() >= deadline:
            return outcome
        await asyncio.sleep(POLL_SECONDS)


async def _replay(stored: StoredResponse, send: Send) -> None:
    headers: list[tuple[bytes, bytes]] = [
        (b"content-length", str(len(stored.body)).encode()),
        (REPLAYED_HEADER.lower().encode(), b"true"),
    ]
    if stored.content_type:
        headers.append((b"content-type", stored.content_type.encode("latin-1")))
    start: dict[str, Any] = {"type": "http.response.start", "status": stored.status_code,
                             "headers": headers}
    await send(start)
    await send({"type": "http.response.body", "body": stored.body})
