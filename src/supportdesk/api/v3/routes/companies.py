"""``companies``: list, details, create and update, addressed by name."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from supportdesk.api.deps import ReadUnit, ReplicaReadUnit, WriteUnit
from supportdesk.api.v3 import params
from supportdesk.api.v3.companies_wire import (
    COMPANY_EXAMPLE,
    COMPANY_LIST_EXAMPLE,
    company_body,
    company_list_body,
)
from supportdesk.api.v3.docs import READ_ERRORS, WRITE_ERRORS
from supportdesk.api.v3.wire import json_response
from supportdesk.companies.schemas import CompanyCreate, CompanyUpdate
from supportdesk.companies.service import (
    create_company,
    get_company,
    list_companies,
    update_company,
)

router = APIRouter(tags=["04. Companies"])


def _ok(description: str, example: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": description,
                  "content": {"application/json": {"example": example}}}}


@router.get(
    "/companies",
    operation_id="GetCompaniesList",
    summary="List all companies",
    responses={**_ok("One page of 30 companies by name and the total count; domains are "
                     "arrays here", COMPANY_LIST_EXAMPLE),
               **READ_ERRORS},
)
def get_companies(
    unit: ReplicaReadUnit,
    offset: Annotated[str | None, Query(description="Skip this many companies; pages hold "
                                        "30.")] = None,
) -> Response:
    """Companies by name, A to Z."""
    page = list_companies(unit, offset=params.offset(offset))
    return json_response(company_list_body(page))


@router.get(
    "/companies/details",
    operation_id="GetContactDetails_1",
    summary="Get Company Details",
    responses={**_ok("The company; domains is a comma-separated string", COMPANY_EXAMPLE),
               **READ_ERRORS},
)
def get_company_details(
    unit: ReadUnit,
    name: Annotated[str | None, Query(description="The name of the company.")] = None,
) -> Response:
    """The company with this name."""
    return json_response(company_body(get_company(unit, name=name or "")))


@router.post(
    "/companies/create",
    operation_id="CreateContact_1",
    summary="Create a company",
    responses={**_ok("The new company", COMPANY_EXAMPLE), **WRITE_ERRORS},
)
def post_company(unit: WriteUnit, body: CompanyCreate) -> Response:
    """Create a company; its domains attach contacts created from now on."""
    return json_response(company_body(create_company(unit, data=body)))


@router.put(
    "/companies/update",
    operation_id="updateContact_1",
    summary="Update a company",
    responses={**_ok("The company after the change", COMPANY_EXAMPLE), **WRITE_ERRORS},
)
def put_company(
    unit: WriteUnit,
    body: CompanyUpdate,
    company_name: Annotated[str | None, Query(description="The current name of the "
                                              "company.")] = None,
) -> Response:
    """Change only the fields sent; ``domains``, when sent, replaces the list."""
    return json_response(company_body(update_company(unit, name=company_name or "",
                                                     changes=body)))
