"""The one place errors become HTTP responses: always ``{status, error, message}``."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from supportdesk.api.admission import admit, routed_path
from supportdesk.errors import RateLimited, SupportdeskError

log = logging.getLogger("supportdesk.api")

DEFAULT_MESSAGES = {
    400: "The request is not valid",
    401: "You are not authorized to access the resource",
    403: "Accessing the resource you were trying to reach is forbidden",
    404: "The resource you were trying to reach is not found",
    405: "The method is not allowed for the requested resource",
    409: "The request conflicts with the current state of the resource",
    413: "The request is larger than the server accepts",
    415: "The request's content type is not supported",
    429: "Too many requests",
    500: "Application failed to process the request",
}


def error_body(status: int, message: str | None = None) -> dict[str, Any]:
    """The Desk365 error envelope for ``status``."""
    return {
        "status": status,
        "error": HTTPStatus(status).phrase,
        "message": message or DEFAULT_MESSAGES.get(status, HTTPStatus(status).description),
    }


def error_response(
    status: int, message: str | None = None, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        content=orjson.dumps(error_body(status, message)),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


def domain_error_response(exc: SupportdeskError) -> Response:
    """The response for an error of the tree; a 429 (or 503) says when to retry."""
    headers = None
    if isinstance(exc, RateLimited):
        seconds = str(exc.retry_after_seconds)
        headers = {"Retry-After": seconds, "X-Rate-Limit-Retry-After-Seconds": seconds}
    return error_response(exc.status_code, exc.message, headers)


def describe_validation_error(exc: RequestValidationError) -> str:
    """Turn the framework's validation error into one sentence."""
    return describe_errors(list(exc.errors()))


def describe_errors(errors: Sequence[Any]) -> str:
    """Turn pydantic's error list into one sentence naming fields and problems."""
    parts: list[str] = []
    for error in errors[:5]:
        location = [str(p) for p in error.get("loc", ())
                    if p not in ("body", "query", "header", "path")]
        name = ".".join(location) or "request body"
        message = str(error.get("msg", "is invalid"))
        if error.get("type") == "json_invalid":
            parts.append("the request body is not valid JSON")
            continue
        if error.get("type") == "missing":
            parts.append(f"{name} is required")
            continue
        if error.get("type") == "extra_forbidden":
            parts.append(f"{name} is not a known field")
            continue
        message = message.removeprefix("Value error, ")
        parts.append(f"{name}: {message}")
    return "; ".join(parts) or "the request is not valid"


async def _admit_before_body_error(request: Request, exc: RequestValidationError) -> None:
    """Admit a request whose body failed to parse before its route's dependencies ran.

    FastAPI reads and decodes a JSON body before it solves the route's
    dependencies, so a body that is not JSON (or not an object) fails before
    authentication and the rate limit. Such a call is judged as any other
    first: a bad key is a 401, a spent window a 429, and otherwise the 400
    is charged and carries the limit's headers. Errors elsewhere in the
    request come after admission (FastAPI solves dependencies first).
    """
    if request.scope.get("state", {}).get("tenant") is not None:
        return
    if not any(tuple(error.get("loc", ()))[:1] == ("body",) for error in exc.errors()):
        return
    if not str(request.scope.get("path", "")).startswith("/apis/"):
        return
    state = request.app.state
    client = request.client
    await run_in_threadpool(
        admit, request.scope.setdefault("state", {}), database=state.database,
        settings=state.settings, clock=state.clock, limiter=state.rate_limiter,
        host=request.headers.get("host"), authorization=request.headers.get("authorization"),
        address=client.host if client is not None else "unknown",
        path=routed_path(request.scope))


def install_error_handlers(app: FastAPI) -> None:
    """Map the exception tree, validation errors and framework errors to the body."""

    @app.exception_handler(SupportdeskError)
    async def _domain_error(_request: Request, exc: SupportdeskError) -> Response:
        return domain_error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        try:
            await _admit_before_body_error(request, exc)
        except SupportdeskError as refused:
            return domain_error_response(refused)
        return error_response(400, describe_validation_error(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException) -> Response:
        status = exc.status_code
        detail: str | None = exc.detail if isinstance(exc.detail, str) else None
        if detail == HTTPStatus(status).phrase:
            detail = None
        return error_response(status, detail, dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path,
                      exc_info=exc)
        return error_response(500)
