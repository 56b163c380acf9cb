"""OpenAPI helpers shared by the settings routes (agents, groups, catalog, fields, SLA, keys)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from supportdesk.api.v3.docs import errors

READ = errors(400, 401, 403, 404, 429)
WRITE = errors(400, 401, 403, 404, 409, 413, 429)


def _success(status: int, description: str, example: Any) -> dict[int | str, dict[str, Any]]:
    return {status: {"description": description,
                     "content": {"application/json": {"example": example}}}}


def read_ok(example: Any, description: str) -> dict[int | str, dict[str, Any]]:
    """A read's documented responses: 200 with its example, and the read errors."""
    return {**_success(200, description, example), **READ}


def write_ok(example: Any, description: str, status: int = 200
             ) -> dict[int | str, dict[str, Any]]:
    """A change's documented responses: 200/201 with its example, and the write errors."""
    return {**_success(status, description, example), **WRITE}


NO_CONTENT: dict[int | str, dict[str, Any]] = {204: {"description": "Done; no body"},
                                               **WRITE}


def listing(name: str, example: dict[str, Any]) -> dict[str, Any]:
    """The list envelope: ``{"count": n, "<things>": [...]}``."""
    return {"count": 1, name: [example]}


# Ids in paths: positive and JSON-safe; anything else is a 400 naming the parameter.
ID_PATH = {"ge": 1, "le": 2**53}


def no_content() -> Response:
    return Response(status_code=204)
