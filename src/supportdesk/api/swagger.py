"""Swagger UI at ``/apis/api-docs.html``, served from the installed bundle (no CDN).

Helpdesks run behind firewalls, so the page loads its scripts and styles from
``/apis/swagger-ui/`` on the same host, taken from the ``swagger-ui-bundle-v2``
package. Only a fixed list of that package's files is served.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, HTMLResponse
from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]  # ships no py.typed

DOCS_PATH = "/apis/api-docs.html"
ASSETS_PATH = "/apis/swagger-ui"
OPENAPI_URL = "/apis/v3/openapi.json"
PAGE_TITLE = "supportdesk API v3"

ASSET_DIR = Path(swagger_ui_path)
# The bundle's version names the asset URLs, so a browser may keep them a week:
# upgrading the package changes every URL the page references.
ASSET_VERSION = version("swagger-ui-bundle-v2")
ASSET_CACHE_CONTROL = "public, max-age=604800"

_JS = "text/javascript; charset=utf-8"
_SOURCE_MAP = "application/json"
# Everything a browser may ask for; any other name is a 404 without touching the disk.
ASSETS: dict[str, str] = {
    "swagger-ui.css": "text/css; charset=utf-8",
    "swagger-ui.css.map": _SOURCE_MAP,
    "swagger-ui-bundle.js": _JS,
    "swagger-ui-bundle.js.map": _SOURCE_MAP,
    "swagger-ui-standalone-preset.js": _JS,
    "swagger-ui-standalone-preset.js.map": _SOURCE_MAP,
    "favicon-32x32.png": "image/png",
    "favicon-16x16.png": "image/png",
}

# validatorUrl null: the default badge would fetch an image from swagger.io.
_INITIALIZER = f"""
window.onload = function () {{
  window.ui = SwaggerUIBundle({{
    url: "{OPENAPI_URL}",
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: true,
    tryItOutEnabled: true,
    displayRequestDuration: true,
    filter: true,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  }});
}};
"""


def _asset(name: str) -> str:
    return f"{ASSETS_PATH}/{name}?v={ASSET_VERSION}"


PAGE_HTML = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{PAGE_TITLE}</title>
  <link rel="stylesheet" type="text/css" href="{_asset("swagger-ui.css")}">
  <link rel="icon" type="image/png" sizes="32x32" href="{_asset("favicon-32x32.png")}">
  <link rel="icon" type="image/png" sizes="16x16" href="{_asset("favicon-16x16.png")}">
  <style>
    html {{ box-sizing: border-box; overflow-y: scroll; }}
    *, *:before, *:after {{ box-sizing: inherit; }}
    body {{ margin: 0; background: #fafafa; }}
  </style>
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{_asset("swagger-ui-bundle.js")}" charset="utf-8"></script>
  <script>{_INITIALIZER}</script>
</body>
</html>
"""

_INITIALIZER_HASH = base64.b64encode(hashlib.sha256(_INITIALIZER.encode()).digest()).decode()
# The page may talk only to its own host: no CDN, no validator, no analytics.
# Swagger UI sets inline styles and shows data: images, hence those two allowances.
PAGE_SECURITY_POLICY = (
    "default-src 'self'; "
    f"script-src 'self' 'sha256-{_INITIALIZER_HASH}'; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; "
    "connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)

router = APIRouter(include_in_schema=False)


@router.api_route(DOCS_PATH, methods=["GET", "HEAD"])
def api_docs() -> HTMLResponse:
    """The interactive API reference; Try it out calls this same host."""
    return HTMLResponse(
        PAGE_HTML,
        headers={
            "Cache-Control": "no-cache",
            "Content-Security-Policy": PAGE_SECURITY_POLICY,
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.api_route(ASSETS_PATH + "/{name}", methods=["GET", "HEAD"])
def swagger_asset(name: str) -> FileResponse:
    """One whitelisted file of the Swagger UI bundle; anything else is a 404."""
    media_type = ASSETS.get(name)
    if media_type is None:
        raise HTTPException(status_code=404)
    return FileResponse(
        ASSET_DIR / name,
        media_type=media_type,
        headers={"Cache-Control": ASSET_CACHE_CONTROL, "X-Content-Type-Options": "nosniff"},
    )


def _drop_framework_422(schema: dict[str, Any]) -> None:
    """Remove FastAPI's automatic 422 responses: invalid input is a 400 here."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict):
                operation.get("responses", {}).pop("422", None)
    for name in ("HTTPValidationError", "ValidationError"):
        schema.get("components", {}).get("schemas", {}).pop(name, None)


def install_docs(app: FastAPI) -> None:
    """Make the OpenAPI document drive Swagger UI on any host.

    ``servers: [{"url": "/"}]`` sends Try-it-out calls to the host the page
    came from (which names the tenant), and the global ``APIKey`` requirement
    makes the Authorize button's raw key go out with every operation.
    """
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            schema["servers"] = [{"url": "/"}]
            schema["security"] = [{"APIKey": []}]
            _drop_framework_422(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented override hook
