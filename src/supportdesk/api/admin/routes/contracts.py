"""Admin API: Contract access."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from supportdesk.api.admin.deps import AdminReadUnit, AdminWriteUnit
from supportdesk.api.v3.docs import errors
from supportdesk.api.v3.wire import json_response
from supportdesk.contracts.service import has_contract_access, set_contract_access

router = APIRouter(tags=["Admin: Contracts"])


class ContractAccess(BaseModel):
    """Whether the helpdesk may use the contracts API."""

    model_config = ConfigDict(extra="forbid")

    has_contract_access: bool = Field(description="True lets every key of this helpdesk use "
                                      "contracts; false answers them 403.")


def _ok(description: str, example: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": description,
                  "content": {"application/json": {"example": example}}}}


@router.get("/contracts/access", operation_id="AdminGetContractAccess",
            summary="Whether contracts are switched on",
            responses={**_ok("The switch", {"has_contract_access": False}),
                       **errors(401, 403)})
def admin_get_contract_access(unit: AdminReadUnit) -> Response:
    """Contracts are a special-access feature, off for a new helpdesk."""
    return json_response({"has_contract_access": has_contract_access(
        unit.session, tenant_id=unit.tenant_id)})


@router.put("/contracts/access", operation_id="AdminSetContractAccess",
            summary="Switch contracts on or off",
            responses={**_ok("The switch after the change", {"has_contract_access": True}),
                       **errors(400, 401, 403)})
def admin_set_contract_access(unit: AdminWriteUnit, body: ContractAccess) -> Response:
    """Turn the contracts API on or off for this helpdesk."""
    enabled = set_contract_access(unit, enabled=body.has_contract_access)
    return json_response({"has_contract_access": enabled})
