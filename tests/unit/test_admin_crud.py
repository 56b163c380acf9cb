"""CrudRoutes on a toy resource: what each route calls, answers and documents.

No database: the admin units are replaced by a marker object, and the
"services" record what they were given, so these tests pin the helper itself
(the real resources are covered by tests/integration/test_admin_*.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, FastAPI, Path
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict

from supportdesk.api.admin.crud import CrudRoutes, PathId, int_id
from supportdesk.api.admin.deps import get_admin_read_unit, get_admin_write_unit
from supportdesk.api.errors import install_error_handlers
from supportdesk.api.v3 import params
from supportdesk.api.v3.docs import errors
from supportdesk.errors import NotFound


class Widget(BaseModel):
    """What the toy services return."""

    id: int
    name: str


class WidgetCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str


class WidgetUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = None


READ_UNIT = object()
WRITE_UNIT = object()
WidgetId = Annotated[int, Path(ge=1, le=2**53, description="The widget's id.")]
EXAMPLE = {"id": 1, "name": "Sprocket"}


def widget_record(widget: Widget) -> dict[str, Any]:
    return {"id": widget.id, "name": widget.name}


class Services:
    """Toy services that remember every call as (name, unit, arguments...)."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []
        self.widgets = {1: Widget(id=1, name="Sprocket"), 2: Widget(id=2, name="Cog")}

    def list(self, unit: Any) -> list[Widget]:
        self.calls.append(("list", unit))
        return list(self.widgets.values())

    def add(self, unit: Any, data: WidgetCreate) -> Widget:
        self.calls.append(("add", unit, data))
        return Widget(id=3, name=data.name)

    def get(self, unit: Any, widget_id: int) -> Widget:
        self.calls.append(("get", unit, widget_id))
        if widget_id not in self.widgets:
            raise NotFound("widget not found")
        return self.widgets[widget_id]

    def update(self, unit: Any, widget_id: int, changes: WidgetUpdate) -> Widget:
        self.calls.append(("update", unit, widget_id, changes))
        return Widget(id=widget_id, name=changes.name or "")

    def delete(self, unit: Any, widget_id: int) -> None:
        self.calls.append(("delete", unit, widget_id))


def _register(router: APIRouter, widgets: CrudRoutes[Widget, Any], services: Services) -> None:
    widgets.add_list(services.list, operation_id="AdminListWidgets", summary="List widgets",
                     description="Every widget.", returns="All widgets")
    widgets.add_create(services.add, WidgetCreate, operation_id="AdminCreateWidget",
                       summary="Add a widget", description="Add one.", returns="The new widget")
    widgets.add_read(services.get, operation_id="AdminGetWidget", summary="Get a widget",
                     description="One widget.", returns="The widget")
    widgets.add_update(services.update, WidgetUpdate, operation_id="AdminUpdateWidget",
                       summary="Rename a widget", description="Rename it.",
                       returns="The widget after the change")
    widgets.add_delete(services.delete, operation_id="AdminDeleteWidget",
                       summary="Delete a widget", description="Delete it.")


def _app(router: APIRouter) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    app.dependency_overrides[get_admin_read_unit] = lambda: READ_UNIT
    app.dependency_overrides[get_admin_write_unit] = lambda: WRITE_UNIT
    return app


@pytest.fixture
def services() -> Services:
    return Services()


@pytest.fixture
def app(services: Services) -> FastAPI:
    router = APIRouter(tags=["Admin: Widgets"])
    _register(router, CrudRoutes(router, path="/widgets", key="widgets",
                                 item_id=int_id("widget_id", WidgetId), record=widget_record,
                                 example=EXAMPLE), services)
    return _app(router)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_list_answers_the_envelope_from_the_read_unit(client: TestClient,
                                                      services: Services) -> None:
    response = client.get("/widgets")
    assert response.status_code == 200
    assert response.json() == {"count": 2, "widgets": [{"id": 1, "name": "Sprocket"},
                                                        {"id": 2, "name": "Cog"}]}
    assert services.calls == [("list", READ_UNIT)]


def test_create_answers_201_with_the_record(client: TestClient, services: Services) -> None:
    response = client.post("/widgets", json={"name": "Gear"})
    assert response.status_code == 201
    assert response.json() == {"id": 3, "name": "Gear"}
    assert services.calls == [("add", WRITE_UNIT, WidgetCreate(name="Gear"))]


def test_read_passes_the_path_id_to_the_service(client: TestClient, services: Services) -> None:
    response = client.get("/widgets/2")
    assert response.status_code == 200
    assert response.json() == {"id": 2, "name": "Cog"}
    assert services.calls == [("get", READ_UNIT, 2)]


def test_read_of_an_unknown_id_is_the_services_404(client: TestClient) -> None:
    response = client.get("/widgets/9")
    assert response.status_code == 404
    assert response.json() == {"status": 404, "error": "Not Found",
                               "message": "widget not found"}


def test_update_passes_id_and_body(client: TestClient, services: Services) -> None:
    response = client.patch("/widgets/1", json={"name": "Big sprocket"})
    assert response.status_code == 200
    assert response.json() == {"id": 1, "name": "Big sprocket"}
    assert services.calls == [("update", WRITE_UNIT, 1, WidgetUpdate(name="Big sprocket"))]


def test_delete_answers_204_without_a_body(client: TestClient, services: Services) -> None:
    response = client.delete("/widgets/2")
    assert response.status_code == 204
    assert response.content == b""
    assert services.calls == [("delete", WRITE_UNIT, 2)]


@pytest.mark.parametrize("path", ["/widgets/0", "/widgets/x", f"/widgets/{2**53 + 1}"])
def test_a_bad_id_is_a_400_before_any_service_runs(client: TestClient, services: Services,
                                                   path: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert response.json()["error"] == "Bad Request"
    assert "widget_id" in response.json()["message"]
    assert services.calls == []


def test_a_bad_body_is_a_400_before_any_service_runs(client: TestClient,
                                                     services: Services) -> None:
    response = client.post("/widgets", json={"name": "Gear", "colour": "red"})
    assert response.status_code == 400
    assert services.calls == []


def test_the_document_names_the_operations_in_registration_order(app: FastAPI) -> None:
    paths = app.openapi()["paths"]
    assert list(paths) == ["/widgets", "/widgets/{widget_id}"]
    assert [(method, op["operationId"]) for path in paths.values()
            for method, op in path.items()] == [
        ("get", "AdminListWidgets"), ("post", "AdminCreateWidget"),
        ("get", "AdminGetWidget"), ("patch", "AdminUpdateWidget"),
        ("delete", "AdminDeleteWidget")]


def test_the_document_shows_parameters_bodies_examples_and_errors(app: FastAPI) -> None:
    paths = app.openapi()["paths"]
    listing = paths["/widgets"]["get"]
    assert listing["tags"] == ["Admin: Widgets"]
    assert listing["summary"] == "List widgets"
    assert listing["description"] == "Every widget."
    assert "parameters" not in listing
    assert listing["responses"]["200"]["description"] == "All widgets"
    assert listing["responses"]["200"]["content"]["application/json"]["example"] == {
        "count": 1, "widgets": [EXAMPLE]}
    assert [code for code in listing["responses"] if code != "422"] == [
        "200", "400", "401", "403", "404", "429"]

    create = paths["/widgets"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/WidgetCreate"}
    assert create["responses"]["201"]["content"]["application/json"]["example"] == EXAMPLE
    assert [code for code in create["responses"] if code != "422"] == [
        "201", "400", "401", "403", "404", "409", "413", "429"]

    update = paths["/widgets/{widget_id}"]["patch"]
    assert update["parameters"] == [{
        "name": "widget_id", "in": "path", "required": True,
        "description": "The widget's id.",
        "schema": {"type": "integer", "minimum": 1, "maximum": 2**53,
                   "description": "The widget's id.", "title": "Widget Id"}}]
    assert update["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/WidgetUpdate"}

    delete = paths["/widgets/{widget_id}"]["delete"]
    assert delete["responses"]["204"] == {"description": "Done; no body"}
    assert "content" not in delete["responses"]["204"]


def test_a_string_id_with_its_own_parse_and_errors(services: Services) -> None:
    router = APIRouter()
    read_errors = errors(400, 404)
    widgets: CrudRoutes[Widget, str] = CrudRoutes(
        router, path="/widgets", key="widgets",
        item_id=PathId("widget_id", str, lambda raw: params.ticket_number(raw, "id")),
        record=widget_record, example=EXAMPLE, read_errors=read_errors,
        write_errors=read_errors)
    widgets.add_read(services.get, operation_id="AdminGetWidget", summary="Get a widget",
                     description="One widget.", returns="The widget")
    widgets.add_delete(services.delete, operation_id="AdminDeleteWidget",
                       summary="Delete a widget", description="Delete it.", returns="Deleted")
    app = _app(router)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/widgets/ 2 ").json() == {"id": 2, "name": "Cog"}
        bad = client.get("/widgets/two")
        assert bad.status_code == 400
        assert bad.json()["message"] == "id must be a positive whole number, got 'two'"
        assert client.delete("/widgets/1").status_code == 204
    assert services.calls == [("get", READ_UNIT, 2), ("delete", WRITE_UNIT, 1)]
    item = app.openapi()["paths"]["/widgets/{widget_id}"]
    assert item["get"]["parameters"][0]["schema"] == {"type": "string", "title": "Widget Id"}
    assert list(item["get"]["responses"])[:2] == ["200", "400"]
    assert item["delete"]["responses"]["204"] == {"description": "Deleted"}
    assert [code for code in item["delete"]["responses"] if code != "422"] == [
        "204", "400", "404"]
