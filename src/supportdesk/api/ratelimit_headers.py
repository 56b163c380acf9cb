"""Rate-limit headers, added in one place to every response a limit applied to.

Routes build their own responses, and refusals are rendered by the error
handler, so the limiter leaves its decision on the request's state and this
layer writes the headers as the response starts: on successes, on 429s, on
errors raised after the limiter ran, and on 500s.

Starlette renders an unexpected exception's 500 in its outermost layer
(``ServerErrorMiddleware``), outside every middleware added with
``add_middleware``; so this layer wraps the built stack instead, as the
legacy-path layer does, and sees that answer too.
"""

from __future__ import annotations

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from supportdesk.ratelimit.buckets import Decision


def limit_headers(calls: Decision | None, tickets: Decision | None) -> list[tuple[bytes, bytes]]:
    """The header pairs for the call limit's and the ticket quota's decisions."""
    headers: list[tuple[bytes, bytes]] = []
    if calls is not None:
        remaining = str(calls.remaining).encode()
        headers += [
            (b"x-rate-limit-remaining", remaining),
            (b"x-ratelimit-limit", str(calls.limit).encode()),
            (b"x-ratelimit-remaining", remaining),
            (b"x-ratelimit-reset", str(calls.reset_seconds).encode()),
        ]
    if tickets is not None:
        headers += [
            (b"x-ratelimit-tickets-limit", str(tickets.limit).encode()),
            (b"x-ratelimit-tickets-remaining", str(tickets.remaining).encode()),
            (b"x-ratelimit-tickets-reset", str(tickets.reset_seconds).encode()),
        ]
    return headers


class RateLimitHeaders:
    """Pure ASGI middleware: copy the request's limit decisions into headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = limit_headers(state.get("rate_limit"), state.get("ticket_quota"))
                if extra:
                    message = dict(message)
                    message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install_rate_limit_headers(app: FastAPI) -> None:
    """Add the headers outside ``app``'s whole middleware stack, error handling included.

    Call it before ``install_legacy``, so that the legacy layer (outermost)
    still sees and labels these responses.
    """
    build = app.build_middleware_stack

    def build_with_headers() -> ASGIApp:
        return RateLimitHeaders(build())

    # Instance attribute on purpose: Starlette calls it once, on the first request.
    setattr(app, "build_middleware_stack", build_with_headers)  # noqa: B010
