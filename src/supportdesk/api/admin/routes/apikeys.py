"""Admin API: The tenant's API keys.

Secrets are shown once, in the response that creates them; only their
SHA-256 is stored. ``DELETE`` revokes (the key stays listed with
``revoked_at``). The key making the request cannot revoke itself (409), so
the admin API cannot lock a tenant out.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from starlette.responses import Response

from supportdesk.api.admin.deps import AdminDep, AdminReadUnit, AdminWriteUnit
from supportdesk.api.admin.settings_docs import (
    ID_PATH,
    NO_CONTENT,
    listing,
    no_content,
    read_ok,
    write_ok,
)
from supportdesk.api.v3.wire import json_response, wire_time
from supportdesk.companies.schemas import valid_text
from supportdesk.tenancy.models import ApiKey
from supportdesk.tenancy.service import create_api_key, list_keys, revoke_api_key

router = APIRouter(tags=["Admin: API keys"])

KeyId = Annotated[int, Path(**ID_PATH, description="The key's id.")]

KEY_EXAMPLE: dict[str, Any] = {
    "id": 2, "prefix": "sd_Xq3v9a", "label": "CI", "is_admin": False,
    "created_at": "2026-01-05 09:00:00", "revoked_at": None,
}


class ApiKeyCreate(BaseModel):
    """A new key for an integration."""

    model_config = ConfigDict(extra="forbid")

    label: Annotated[str, Field(max_length=200), AfterValidator(valid_text)] | None = Field(
        default=None, description="What the key is for.", examples=["CI"])
    is_admin: bool = Field(default=False, description="May use the admin API.")


def key_record(key: ApiKey) -> dict[str, Any]:
    """A key without its secret."""
    return {"id": key.id, "prefix": key.prefix, "label": key.label, "is_admin": key.is_admin,
            "created_at": wire_time(key.created_at), "revoked_at": wire_time(key.revoked_at)}


@router.get("/api_keys", operation_id="AdminListApiKeys", summary="List API keys",
            responses=read_ok(listing("api_keys", KEY_EXAMPLE), "All keys, revoked ones "
                              "too, without secrets"))
def get_keys(unit: AdminReadUnit) -> Response:
    """Every key of the tenant, oldest first; secrets are never shown again."""
    keys = list_keys(unit.session, tenant_id=unit.tenant_id)
    return json_response({"count": len(keys), "api_keys": [key_record(k) for k in keys]})


@router.post("/api_keys", operation_id="AdminCreateApiKey", summary="Issue an API key",
             status_code=201,
             responses=write_ok({**KEY_EXAMPLE, "key": "sd_Xq3v9a..."}, "The new key with "
                                "its secret in key (shown this once only)", 201))
def post_key(unit: AdminWriteUnit, body: ApiKeyCreate) -> Response:
    """Issue a key; the response is the only time its secret is shown."""
    key, secret = create_api_key(unit.session, tenant_id=unit.tenant_id, label=body.label,
                                 is_admin=body.is_admin, clock=unit.clock)
    return json_response({**key_record(key), "key": secret}, 201)


@router.delete("/api_keys/{key_id}", operation_id="AdminRevokeApiKey",
               summary="Revoke an API key", status_code=204, responses=NO_CONTENT)
def delete_key(unit: AdminWriteUnit, caller: AdminDep, key_id: KeyId) -> Response:
    """Revoke a key; it stops working on the next request. Not the calling key (409)."""
    revoke_api_key(unit.session, tenant_id=unit.tenant_id, key_id=key_id,
                   caller_key_id=caller.api_key_id, clock=unit.clock)
    return no_content()
