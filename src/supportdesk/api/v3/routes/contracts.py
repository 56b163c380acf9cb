"""Contracts (needs contract access)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from starlette.responses import Response

from supportdesk.api.deps import DatabaseDep, ReadUnit, TenantDep, WriteUnit
from supportdesk.api.v3 import params
from supportdesk.api.v3.contracts_wire import (
    CONTRACT_DETAILS_EXAMPLE,
    CONTRACT_EXAMPLE,
    CONTRACT_LIST_EXAMPLE,
    contract_body,
    contract_details,
    contract_list_body,
)
from supportdesk.api.v3.docs import errors
from supportdesk.api.v3.wire import json_response
from supportdesk.contracts.schemas import ContractCreate, ContractQuery, ContractUpdate
from supportdesk.contracts.service import (
    create_contract,
    ensure_contract_access,
    get_contract,
    list_contracts,
    update_contract,
)
from supportdesk.errors import BadRequest


def require_contract_access(tenant: TenantDep, database: DatabaseDep) -> None:
    """403 before anything else when the helpdesk has no contract access."""
    with database.session() as session:
        ensure_contract_access(session, tenant_id=tenant.tenant_id)


router = APIRouter(tags=["10. Contracts"], dependencies=[Depends(require_contract_access)])

READ_ERRORS = errors(400, 401, 403, 404, 429)
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 413, 429)
CODES = ('Codes: bill_cycle Monthly = 1, Contract Length = 2; contract_type Block Hours = 2, '
         'Block Tickets = 3; rollover_type Monthly = 1.')


def _ok(description: str, example: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": description,
                  "content": {"application/json": {"example": example}}}}


def _text(value: str | None, name: str) -> str | None:
    if value is None or value.strip() == "":
        return None
    if "\x00" in value:
        raise BadRequest(f"{name} must not contain NUL characters")
    return value.strip()


@router.get(
    "/contracts", operation_id="GetContractList", summary="List all contracts",
    description="Contracts ordered by name, 30 per page, with their usage. " + CODES,
    responses={**_ok("One page of contracts and the total matching", CONTRACT_LIST_EXAMPLE),
               **READ_ERRORS},
)
def get_contracts(
    unit: ReadUnit,
    offset: Annotated[str | None, Query(description="Get next 30 contracts from offset "
                                        "value.")] = None,
    company: Annotated[str | None, Query(description="Only this company's contracts.")] = None,
    contract_category: Annotated[str | None, Query(description="Only contracts of this "
                                                   "category.")] = None,
    include_inactive_contracts: Annotated[str | None, Query(
        description="0 - do not include inactive contracts, 1 - include them (default).")]
    = None,
    include_expired_contracts: Annotated[str | None, Query(
        description="0 - do not include expired contracts, 1 - include them (default).")]
    = None,
    include_upcoming_contracts: Annotated[str | None, Query(
        description="0 - do not include upcoming contracts, 1 - include them (default).")]
    = None,
) -> Response:
    """Contracts by name, A to Z."""
    query = ContractQuery(
        company=_text(company, "company"),
        category=_text(contract_category, "contract_category"),
        include_inactive=params.flag(include_inactive_contracts,
                                     "include_inactive_contracts", default=True),
        include_expired=params.flag(include_expired_contracts, "include_expired_contracts",
                                    default=True),
        include_upcoming=params.flag(include_upcoming_contracts,
                                     "include_upcoming_contracts", default=True),
        offset=params.offset(offset),
    )
    return json_response(contract_list_body(list_contracts(unit, query=query)))


@router.get(
    "/contracts/details", operation_id="GetContractDetails", summary="Get Contract Details",
    description="The contract with this name or reference number (several contracts with "
    "the same name need the reference number). " + CODES,
    responses={**_ok("The contract and its usage", CONTRACT_DETAILS_EXAMPLE), **READ_ERRORS},
)
def get_contract_details(
    unit: ReadUnit,
    reference_number: Annotated[str | None, Query(description="Reference number of the "
                                                  "contract.")] = None,
    contract_name: Annotated[str | None, Query(description="Name of the contract.")] = None,
) -> Response:
    """One contract with its usage."""
    return json_response(contract_details(get_contract(
        unit, name=contract_name, reference_number=reference_number)))


@router.post(
    "/contracts/create", operation_id="CreateContract", summary="Create a contract",
    description="Send block_hours for contract_type 2, block_tickets for 3, never both (the "
    "other block is 400). rollover_type and rollover_value are kept and echoed as sent even "
    "with rollover_unused_hours false; usage uses them only while it is true. " + CODES,
    responses={**_ok("Successfully created contract", CONTRACT_EXAMPLE), **WRITE_ERRORS},
)
def post_contract(unit: WriteUnit, body: ContractCreate) -> Response:
    """Create a contract for a company."""
    return json_response(contract_body(create_contract(unit, data=body)))


@router.put(
    "/contracts/update", operation_id="UpdateContract", summary="Update a contract",
    description="Only the fields sent change; contract_category '- -' unassigns it. " + CODES,
    responses={**_ok("The contract after the change", CONTRACT_EXAMPLE), **WRITE_ERRORS},
)
def put_contract(
    unit: WriteUnit,
    body: ContractUpdate,
    contract_name: Annotated[str | None, Query(description="The name of the contract.")]
    = None,
    reference_number: Annotated[str | None, Query(description="The reference number of the "
                                                  "contract.")] = None,
) -> Response:
    """Change a contract."""
    return json_response(contract_body(update_contract(
        unit, name=contract_name, reference_number=reference_number, changes=body)))
