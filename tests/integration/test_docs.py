"""Swagger UI at /apis/api-docs.html, its local assets, the OpenAPI document, and README's
admin endpoint table."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

NOT_FOUND = {
    "status": 404,
    "error": "Not Found",
    "message": "The resource you were trying to reach is not found",
}
# Content type and a floor on size for each kind of asset the page may load.
ASSET_KINDS = {
    ".js": ("text/javascript; charset=utf-8", 100_000),
    ".css": ("text/css; charset=utf-8", 50_000),
    ".png": ("image/png", 300),
}
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def _page(client: TestClient) -> str:
    response = client.get("/apis/api-docs.html")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    return response.text


def _asset_urls(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in HTTP_METHODS
    ]


def test_docs_page_is_html_with_only_local_assets(app_client: TestClient) -> None:
    html = _page(app_client)
    assert "<title>supportdesk API v3</title>" in html
    assert "http://" not in html
    assert "https://" not in html
    urls = _asset_urls(html)
    paths = sorted(url.split("?")[0] for url in urls)
    assert paths == [
        "/apis/swagger-ui/favicon-16x16.png",
        "/apis/swagger-ui/favicon-32x32.png",
        "/apis/swagger-ui/swagger-ui-bundle.js",
        "/apis/swagger-ui/swagger-ui.css",
    ]


def test_docs_page_configures_swagger_ui_for_this_api(app_client: TestClient) -> None:
    html = _page(app_client)
    for setting in (
        'url: "/apis/v3/openapi.json"',
        'dom_id: "#swagger-ui"',
        "persistAuthorization: true",
        "tryItOutEnabled: true",
        "validatorUrl: null",
    ):
        assert setting in html, setting


def test_docs_page_needs_no_key_and_works_on_a_bare_host(app_client: TestClient) -> None:
    response = app_client.get("/apis/api-docs.html", headers={"Host": "127.0.0.1:8097"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-cache"


def test_docs_page_policy_allows_its_own_script_and_nothing_remote(
    app_client: TestClient,
) -> None:
    response = app_client.get("/apis/api-docs.html")
    policy = response.headers["content-security-policy"]
    inline_scripts = re.findall(r"<script>(.*?)</script>", response.text, flags=re.DOTALL)
    assert len(inline_scripts) == 1
    digest = base64.b64encode(hashlib.sha256(inline_scripts[0].encode()).digest()).decode()
    assert f"script-src 'self' 'sha256-{digest}'" in policy
    assert "default-src 'self'" in policy
    assert "connect-src 'self'" in policy
    assert "http" not in policy


def test_every_asset_the_page_references_is_served(app_client: TestClient) -> None:
    for url in _asset_urls(_page(app_client)):
        response = app_client.get(url)
        assert response.status_code == 200, url
        suffix = url.split("?")[0][url.split("?")[0].rindex("."):]
        content_type, min_size = ASSET_KINDS[suffix]
        assert response.headers["content-type"] == content_type, url
        assert len(response.content) >= min_size, url
        assert int(response.headers["content-length"]) == len(response.content)
        assert response.headers["cache-control"] == "public, max-age=604800"
        assert response.headers["x-content-type-options"] == "nosniff"


def test_bundle_is_the_real_swagger_ui(app_client: TestClient) -> None:
    bundle = app_client.get("/apis/swagger-ui/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    assert b"SwaggerUIBundle" in bundle.content
    css = app_client.get("/apis/swagger-ui/swagger-ui.css")
    assert b".swagger-ui" in css.content


def test_source_maps_are_served_as_json(app_client: TestClient) -> None:
    response = app_client.get("/apis/swagger-ui/swagger-ui-bundle.js.map")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json()["version"] == 3


@pytest.mark.parametrize(
    "path",
    [
        "/apis/swagger-ui/..%2F..%2Fetc%2Fpasswd",
        "/apis/swagger-ui/..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd",
        "/apis/swagger-ui/%2e%2e%2fswagger_ui_bundle%2f__init__.py",
        "/apis/swagger-ui/..%5C..%5Cetc%5Cpasswd",
        "/apis/swagger-ui/../../../etc/passwd",
        "/apis/swagger-ui/%2Fetc%2Fpasswd",
        "/apis/swagger-ui/..",
        "/apis/swagger-ui/",
    ],
)
def test_path_traversal_is_404_with_the_error_body(app_client: TestClient, path: str) -> None:
    response = app_client.get(path)
    assert response.status_code == 404
    assert response.json() == NOT_FOUND
    assert b"root:" not in response.content


@pytest.mark.parametrize(
    "name",
    [
        "no-such-file.js",
        "index.html",  # in the bundle's directory but not on the list
        "swagger-initializer.js",  # ditto: it would point at the petstore
        "swagger-ui.js.map",
        "SWAGGER-UI.CSS",
    ],
)
def test_files_not_on_the_list_are_404(app_client: TestClient, name: str) -> None:
    response = app_client.get(f"/apis/swagger-ui/{name}")
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_docs_routes_are_not_in_the_openapi_document(app_client: TestClient) -> None:
    paths = app_client.get("/apis/v3/openapi.json").json()["paths"]
    assert [p for p in paths if not p.startswith(("/apis/v3/", "/apis/admin/"))] == []


def test_openapi_document_targets_this_host_with_the_raw_key(app_client: TestClient) -> None:
    response = app_client.get("/apis/v3/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert re.fullmatch(r"3\.1\.\d+", document["openapi"])
    assert document["servers"] == [{"url": "/"}]
    assert document["security"] == [{"APIKey": []}]
    scheme = document["components"]["securitySchemes"]["APIKey"]
    assert {k: v for k, v in scheme.items() if k != "description"} == {
        "type": "apiKey", "in": "header", "name": "Authorization",
    }
    assert "Bearer" in scheme["description"]  # says not to send the prefix


def test_openapi_document_is_the_same_object_on_every_call(app_client: TestClient) -> None:
    app = app_client.app
    first = app.openapi()  # type: ignore[attr-defined]
    assert app.openapi() is first  # type: ignore[attr-defined]
    assert first["servers"] == [{"url": "/"}]


def _success(operation: dict[str, Any]) -> dict[str, Any]:
    responses = operation["responses"]
    return dict(responses.get("200") or responses.get("201") or {})


def _is_file_download(operation: dict[str, Any]) -> bool:
    return "*/*" in _success(operation).get("content", {})


def test_every_v3_operation_is_documented(app_client: TestClient) -> None:
    document = app_client.get("/apis/v3/openapi.json").json()
    operations = [op for op in _operations(document) if op[1].startswith("/apis/v3/")]
    assert len(operations) >= 21  # every endpoint implemented so far
    problems: list[str] = []
    for method, path, operation in operations:
        where = f"{method.upper()} {path}"
        if not operation.get("operationId"):
            problems.append(f"{where}: no operationId")
        if not operation.get("summary"):
            problems.append(f"{where}: no summary")
        if "401" not in operation["responses"]:
            problems.append(f"{where}: 401 not documented")
        success = _success(operation)
        if not success:
            problems.append(f"{where}: no 200 or 201 response")
            continue
        if _is_file_download(operation):
            continue  # the bytes of a file have no meaningful example
        content = success.get("content", {})
        if not content:
            problems.append(f"{where}: success response has no content")
        for media_type, body in content.items():
            if "example" not in body and "examples" not in body:
                problems.append(f"{where}: {media_type} response has no example")
    assert problems == []


def test_operation_ids_are_unique(app_client: TestClient) -> None:
    document = app_client.get("/apis/v3/openapi.json").json()
    ids = [op["operationId"] for _m, _p, op in _operations(document)]
    assert len(ids) == len(set(ids))


def test_documented_401_is_the_error_body(app_client: TestClient) -> None:
    document = app_client.get("/apis/v3/openapi.json").json()
    for _method, path, operation in _operations(document):
        body = operation["responses"]["401"]["content"]["application/json"]
        assert body["example"]["status"] == 401, path
        assert set(body["schema"]["required"]) == {"status", "error", "message"}, path


def test_no_operation_documents_422_since_invalid_input_is_400(app_client: TestClient) -> None:
    document = app_client.get("/apis/v3/openapi.json").json()
    statuses = {
        status
        for operations in document["paths"].values()
        for operation in operations.values()
        for status in operation["responses"]
    }
    assert "422" not in statuses
    assert "400" in statuses
    assert "HTTPValidationError" not in document["components"]["schemas"]


# --- README's admin endpoint table --------------------------------------------------

README = Path(__file__).resolve().parents[2] / "README.md"
ADMIN_PREFIX = "/apis/admin/"
ADMIN_TABLE_HEADER = "| Method | Path (under `/apis/admin/`) | What it does |"
ROUTE_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})


def admin_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every operation the app serves under /apis/admin/."""
    found: set[tuple[str, str]] = set()
    for route in iter_route_contexts(app.routes):
        path = route.path or ""
        if path.startswith(ADMIN_PREFIX):
            found |= {(method, path) for method in (route.methods or set()) & ROUTE_METHODS}
    return found


def admin_table_problems(readme: str, routes: set[tuple[str, str]]) -> list[str]:
    """How the README's admin table (one operation a row) and the served routes differ."""
    lines = readme.splitlines()
    if lines.count(ADMIN_TABLE_HEADER) != 1:
        return [f"README needs exactly one table headed {ADMIN_TABLE_HEADER!r}"]
    start = lines.index(ADMIN_TABLE_HEADER) + 2  # past the header and the |---| line
    listed: list[tuple[str, str]] = []
    problems: list[str] = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        method, path, what = (cell.strip() for cell in line.strip().strip("|").split("|", 2))
        match = re.fullmatch(r"`([^`]+)`", path)
        if match is None or not what:
            problems.append(f"malformed row: {line}")
            continue
        listed.append((method, ADMIN_PREFIX + match[1]))
    problems += [f"listed twice: {m} {p}" for m, p in sorted(
        {row for row in listed if listed.count(row) > 1})]
    problems += [f"not served: {m} {p}" for m, p in sorted(set(listed) - routes)]
    problems += [f"not listed: {m} {p}" for m, p in sorted(routes - set(listed))]
    return problems


def test_readme_admin_table_lists_every_admin_route_and_nothing_else(
    built_app: FastAPI,
) -> None:
    assert admin_table_problems(README.read_text(encoding="utf-8"),
                                admin_routes(built_app)) == []


def test_readme_admin_table_check_reports_each_difference(built_app: FastAPI) -> None:
    readme = README.read_text(encoding="utf-8")
    dropped = "| DELETE | `time_entries/{entry_id}` |"
    (row,) = [line for line in readme.splitlines() if line.startswith(dropped)]
    changed = readme.replace(row + "\n", "").replace(
        "| GET | `agents` |", "| GET | `robots` | List robots |\n| GET | `agents` |")
    changed = changed.replace("| GET | `api_keys` |",
                              "| GET | `api_keys` | Again |\n| GET | `api_keys` |")
    assert admin_table_problems(changed, admin_routes(built_app)) == [
        "listed twice: GET /apis/admin/api_keys",
        "not served: GET /apis/admin/robots",
        "not listed: DELETE /apis/admin/time_entries/{entry_id}",
    ]
    assert admin_table_problems(readme.replace(ADMIN_TABLE_HEADER, "| Method |"),
                                admin_routes(built_app)) == [
        f"README needs exactly one table headed {ADMIN_TABLE_HEADER!r}"]
