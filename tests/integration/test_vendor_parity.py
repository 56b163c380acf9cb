"""Our OpenAPI document against the vendor's: every operation, parameter and body field.

The vendor's document (a verbatim copy in ``tests/data``) lists 41
operations under ``/v3/...``; we serve them under ``/apis/v3/...``. A client generated from the
vendor's document must find each operation with the same method, the same
operation id, every parameter it may send, and every request-body field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from supportdesk.app import create_app
from supportdesk.config import Settings

VENDOR_DOCUMENT = Path(__file__).resolve().parents[1] / "data" / "desk365-openapi-v3.json"
VENDOR = json.loads(VENDOR_DOCUMENT.read_text())
VENDOR_OPERATIONS = [
    (method, path, operation)
    for path, item in VENDOR["paths"].items()
    for method, operation in item.items()
]
# Operations beyond the vendor document that real clients call (WIRE-FORMAT.md).
NEWER_OPERATIONS = {
    ("get", "/apis/v3/tickets/search"),
    ("get", "/apis/v3/agents"),
    ("get", "/apis/v3/asset_mgmt/locations"),
    ("get", "/apis/v3/asset_mgmt/locations/details"),
    ("post", "/apis/v3/asset_mgmt/locations/create"),
    ("put", "/apis/v3/asset_mgmt/locations/update"),
}


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        target: Any = document
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        schema = target
    return schema


def _body_fields(document: dict[str, Any], operation: dict[str, Any]) -> set[str]:
    """The property names of an operation's JSON (or form) request body."""
    fields: set[str] = set()
    for media in operation.get("requestBody", {}).get("content", {}).values():
        schema = _resolve(document, media.get("schema", {}))
        for part in (schema, *schema.get("allOf", [])):
            fields |= set(_resolve(document, part).get("properties", {}))
    return fields


@pytest.fixture(scope="module")
def ours(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The document the server serves (no database is touched to build it)."""
    folder = tmp_path_factory.mktemp("parity")
    settings = Settings(database_url=f"sqlite:///{folder / 'unused.db'}", data_dir=folder)
    with TestClient(create_app(settings)) as client:
        response = client.get("/apis/v3/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def test_the_vendor_document_has_41_operations() -> None:
    assert len(VENDOR_OPERATIONS) == 41


@pytest.mark.parametrize(("method", "path", "operation"), VENDOR_OPERATIONS,
                         ids=[f"{m.upper()} {p}" for m, p, _ in VENDOR_OPERATIONS])
def test_every_vendor_operation_is_served(
    ours: dict[str, Any], method: str, path: str, operation: dict[str, Any],
) -> None:
    served = ours["paths"].get(f"/apis{path}", {}).get(method)
    assert served is not None, f"{method.upper()} /apis{path} is missing"
    assert served["operationId"] == operation["operationId"]
    vendor_parameters = {p["name"] for p in operation.get("parameters", [])}
    our_parameters = {p["name"] for p in served.get("parameters", [])}
    # The document lists the multipart JSON part as a query parameter; we accept
    # both, and document it as a form field.
    our_parameters |= _body_fields(ours, served)
    assert vendor_parameters - our_parameters == set()
    assert _body_fields(VENDOR, operation) - _body_fields(ours, served) == set()


def test_newer_operations_are_documented(ours: dict[str, Any]) -> None:
    served = {(method, path) for path, item in ours["paths"].items() for method in item}
    assert NEWER_OPERATIONS - served == set()
