"""Builds the ASGI application: routers, middleware, error handlers, docs."""

from __future__ import annotations

import logging

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from supportdesk import __version__
from supportdesk.api.admin.router import build_admin_router
from supportdesk.api.errors import error_response, install_error_handlers
from supportdesk.api.header_limits import HeaderLimits
from supportdesk.api.idempotency import IdempotencyMiddleware
from supportdesk.api.legacy import install_legacy
from supportdesk.api.ratelimit_headers import install_rate_limit_headers
from supportdesk.api.swagger import install_docs
from supportdesk.api.swagger import router as docs_router
from supportdesk.api.v3.router import V3_PREFIX, build_v3_router
from supportdesk.attachments.storage import storage_from_settings
from supportdesk.clock import Clock, system_clock
from supportdesk.config import Settings, get_settings
from supportdesk.db.replicas import attach_replicas
from supportdesk.db.session import Database
from supportdesk.ratelimit.limiter import RateLimiter

log = logging.getLogger("supportdesk")

class BodySizeLimit:
    """Refuse request bodies over the configured size with a 413 before reading them."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    length = -1
                if length < 0 or length > self.max_bytes:
                    message = (f"the request body is larger than {self.max_bytes} bytes"
                               if length > 0 else "the Content-Length header is not valid")
                    status = 413 if length > 0 else 400
                    await error_response(status, message)(scope, receive, send)
                    return
        received = 0

        async def limited_receive() -> dict[str, object]:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return dict(message)

        try:
            await self.app(scope, limited_receive, send)
        except _BodyTooLarge:
            await error_response(413, f"the request body is larger than {self.max_bytes} "
                                 "bytes")(scope, receive, send)


class _BodyTooLarge(Exception):
    pass


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    clock: Clock = system_clock,
) -> FastAPI:
    """The supportdesk application for ``settings`` (the environment by default)."""
    settings = settings or get_settings()
    app = build_app(settings)
    bind_app(app, settings, database=database, clock=clock)
    return app


def bind_app(app: FastAPI, settings: Settings, *, database: Database | None = None,
             clock: Clock = system_clock) -> None:
    """Give a built application what it serves with: settings, database, clock, storage.

    Separate from ``build_app`` because building the routes is the costly part
    (FastAPI analyses every endpoint's signature); a test suite builds once and
    binds a fresh database and clock for every test.
    """
    app.state.settings = settings
    app.state.database = database or Database.from_url(
        settings.database_url, sqlite_cache_mb=settings.sqlite_cache_mb)
    app.state.database.enable_group_commit(settings.sqlite_group_commit)
    attach_replicas(app.state.database, settings, clock)
    app.state.clock = clock
    app.state.storage = storage_from_settings(settings.attachment_storage, settings.data_dir)
    app.state.rate_limiter = RateLimiter.from_settings(settings, app.state.database)


def build_app(settings: Settings) -> FastAPI:
    """The routes, error handlers and middleware; ``settings`` sets the request limits."""
    app = FastAPI(
        title="supportdesk API (Desk365 v3 compatible)",
        version=__version__,
        description="A self-hosted helpdesk whose REST API speaks the Desk365 API v3 wire "
        "format. Authenticate with your raw API key in the `Authorization` header.",
        openapi_url=f"{V3_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    install_error_handlers(app)
    app.include_router(build_v3_router())
    app.include_router(build_admin_router())
    install_rate_limit_headers(app)
    install_legacy(app)
    app.include_router(docs_router)
    install_docs(app)
    app.add_middleware(IdempotencyMiddleware)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    # Added last, so outermost of the app's own layers (inside the legacy-path
    # one, which labels even this answer): hostile headers cost nothing more.
    app.add_middleware(HeaderLimits, max_fields=settings.max_header_fields,
                       max_field_bytes=settings.max_header_field_bytes,
                       max_total_bytes=settings.max_header_bytes)

    @app.get("/", include_in_schema=False)
    def root(request: Request) -> Response:
        return Response(
            f"supportdesk {__version__}: API at {V3_PREFIX}/, docs at /apis/api-docs.html\n",
            media_type="text/plain",
        )

    return app
