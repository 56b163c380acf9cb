"""``GET /ping``: a health check that also proves the key works."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import PlainTextResponse

from supportdesk.api.deps import TenantDep
from supportdesk.api.v3.docs import ERROR_RESPONSES

router = APIRouter(tags=["01. Ping"])

PING_TEXT = "All good! The supportdesk API v3 is up and running fine."


@router.get(
    "/ping",
    operation_id="checkStatus",
    summary="Check the API status",
    response_class=PlainTextResponse,
    responses={
        200: {"content": {"text/plain": {"example": PING_TEXT}}, "description": "OK"},
        401: ERROR_RESPONSES[401],
    },
)
def ping(_tenant: TenantDep) -> PlainTextResponse:
    """Answers a short sentence when the service runs and the key is valid."""
    return PlainTextResponse(PING_TEXT)
