"""The list/create/read/update/delete routes of one admin settings resource.

Most settings areas (statuses, custom fields, SLA policies, groups, ...) offer
the same five operations with the same conventions: the id in the path,
``GET`` answering ``{"count": n, "<things>": [...]}``, ``POST`` answering 201
with the new record, ``PATCH`` the changed record, ``DELETE`` a bodiless 204,
and every answer documented with an example and its possible errors.
``CrudRoutes`` registers those routes on a module's ``APIRouter`` from the
resource's service functions, record function and documentation, so each
module only says what is its own.

The generated routes stay thin: they take the admin unit of work, the id and
the body, call the one service function given, and return its record. What the
OpenAPI document shows (parameter names, their documentation, request bodies,
operation ids, summaries, descriptions, responses) is exactly what the
arguments say, so moving a resource onto this helper leaves the document
unchanged. Routes that do not fit (nested paths, answers built from two
service calls, query parameters) are written out by hand beside it.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from fastapi import APIRouter
from pydantic import BaseModel
from starlette.responses import Response

from supportdesk.api.admin.deps import AdminReadUnit, AdminWriteUnit
from supportdesk.api.admin.settings_docs import READ, WRITE, listing, no_content
from supportdesk.api.v3.wire import json_response
from supportdesk.unit import TenantUnit

Responses = dict[int | str, dict[str, Any]]

Item = TypeVar("Item")  # what the services return for one item (a model or a view)
RawId = TypeVar("RawId")  # the id as the path parameter's type gives it (int, or str to parse)
Create = TypeVar("Create", bound=BaseModel)
Update = TypeVar("Update", bound=BaseModel)

# What a bodiless 204 says unless a resource words it otherwise.
DONE = "Done; no body"


def _same(value: int) -> int:
    return value


@dataclass(frozen=True)
class PathId(Generic[RawId]):
    """How a resource's items are named in the path.

    ``name`` is the path parameter (``status_id``), ``annotation`` its type as
    FastAPI reads it (with the ``Path(...)`` bounds and description the
    document shows), and ``parse`` turns the value FastAPI gives into the
    integer id the services take (raising a 400 for ids it must check itself).
    """

    name: str
    annotation: object
    parse: Callable[[RawId], int]


def int_id(name: str, annotation: object) -> PathId[int]:
    """An integer id that FastAPI already checks, e.g. ``Annotated[int, Path(ge=1, ...)]``."""
    return PathId(name, annotation, _same)


def _parameter(name: str, annotation: object) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                             annotation=annotation)


READ_UNIT = _parameter("unit", AdminReadUnit)
WRITE_UNIT = _parameter("unit", AdminWriteUnit)


def documented(status: int, description: str, example: Any, errors: Responses) -> Responses:
    """A documented success with its JSON example, then the errors it may give instead."""
    return {status: {"description": description,
                     "content": {"application/json": {"example": example}}}, **errors}


class CrudRoutes(Generic[Item, RawId]):
    """Registers the standard routes of one settings resource on ``router``.

    ``path`` is the collection (``/statuses``), ``key`` the list envelope's
    name for the items (``statuses``), ``record`` turns what a service returns
    into the JSON record, and ``example`` is that record as the document shows
    it. ``read_errors`` and ``write_errors`` are the error responses documented
    on reads and on changes. Each ``add_*`` call registers one route, in the
    order called (which is the order of the OpenAPI document).
    """

    def __init__(
        self,
        router: APIRouter,
        *,
        path: str,
        key: str,
        item_id: PathId[RawId],
        record: Callable[[Item], dict[str, Any]],
        example: dict[str, Any],
        read_errors: Responses = READ,
        write_errors: Responses = WRITE,
    ) -> None:
        self.router = router
        self.path = path
        self.item_path = f"{path}/{{{item_id.name}}}"
        self.key = key
        self.item_id = item_id
        self.record = record
        self.example = example
        self.read_errors = read_errors
        self.write_errors = write_errors

    def _id(self, path: dict[str, RawId]) -> int:
        return self.item_id.parse(path[self.item_id.name])

    def _add(self, method: str, path: str, endpoint: Callable[..., Response],
             parameters: list[inspect.Parameter], *, operation_id: str, summary: str,
             description: str, responses: Responses, status_code: int | None = None) -> None:
        # FastAPI reads the route's parameters (and so the document's) from
        # inspect.signature, which honours __signature__: the endpoint takes the
        # id under the resource's own name (``status_id``) through ``**path``.
        signature = inspect.Signature(parameters, return_annotation=Response)
        endpoint.__signature__ = signature  # type: ignore[attr-defined]  # inspect's hook
        self.router.add_api_route(
            path, endpoint, methods=[method], name=operation_id, operation_id=operation_id,
            summary=summary, description=description, status_code=status_code,
            responses=responses)

    def add_list(self, service: Callable[[TenantUnit], Sequence[Item]], *,
                 operation_id: str, summary: str, description: str, returns: str) -> None:
        """``GET path``: every item, as ``{"count": n, key: [records]}``."""
        def endpoint(unit: TenantUnit) -> Response:
            items = service(unit)
            return json_response({"count": len(items),
                                  self.key: [self.record(item) for item in items]})

        self._add("GET", self.path, endpoint, [READ_UNIT], operation_id=operation_id,
                  summary=summary, description=description,
                  responses=documented(200, returns, listing(self.key, self.example),
                                    self.read_errors))

    def add_create(self, service: Callable[[TenantUnit, Create], Item], schema: type[Create],
                   *, operation_id: str, summary: str, description: str, returns: str) -> None:
        """``POST path`` with a body of ``schema``: 201 with the new item's record."""
        def endpoint(unit: TenantUnit, body: Create) -> Response:
            return json_response(self.record(service(unit, body)), 201)

        self._add("POST", self.path, endpoint, [WRITE_UNIT, _parameter("body", schema)],
                  operation_id=operation_id, summary=summary, description=description,
                  status_code=201,
                  responses=documented(201, returns, self.example, self.write_errors))

    def add_read(self, service: Callable[[TenantUnit, int], Item], *,
                 operation_id: str, summary: str, description: str, returns: str) -> None:
        """``GET path/{id}``: one item's record (the service answers 404 for unknown ids)."""
        def endpoint(unit: TenantUnit, **path: RawId) -> Response:
            return json_response(self.record(service(unit, self._id(path))))

        self._add("GET", self.item_path, endpoint,
                  [READ_UNIT, _parameter(self.item_id.name, self.item_id.annotation)],
                  operation_id=operation_id, summary=summary, description=description,
                  responses=documented(200, returns, self.example, self.read_errors))

    def add_update(self, service: Callable[[TenantUnit, int, Update], Item],
                   schema: type[Update], *, operation_id: str, summary: str, description: str,
                   returns: str) -> None:
        """``PATCH path/{id}`` with a body of ``schema``: the item's record after the change."""
        def endpoint(unit: TenantUnit, body: Update, **path: RawId) -> Response:
            return json_response(self.record(service(unit, self._id(path), body)))

        self._add("PATCH", self.item_path, endpoint,
                  [WRITE_UNIT, _parameter(self.item_id.name, self.item_id.annotation),
                   _parameter("body", schema)],
                  operation_id=operation_id, summary=summary, description=description,
                  responses=documented(200, returns, self.example, self.write_errors))

    def add_delete(self, service: Callable[[TenantUnit, int], object], *,
                   operation_id: str, summary: str, description: str, returns: str = DONE,
                   errors: Responses | None = None) -> None:
        """``DELETE path/{id}``: 204 without a body; ``errors`` defaults to the write errors."""
        def endpoint(unit: TenantUnit, **path: RawId) -> Response:
            service(unit, self._id(path))
            return no_content()

        documented = self.write_errors if errors is None else errors
        self._add("DELETE", self.item_path, endpoint,
                  [WRITE_UNIT, _parameter(self.item_id.name, self.item_id.annotation)],
                  operation_id=operation_id, summary=summary, description=description,
                  status_code=204, responses={204: {"description": returns}, **documented})
