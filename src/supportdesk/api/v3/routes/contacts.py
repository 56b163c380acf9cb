"""``contacts``: list, details, create and update, addressed by email."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import Response

from supportdesk.api.deps import ReadUnit, ReplicaReadUnit, WriteUnit
from supportdesk.api.v3 import params
from supportdesk.api.v3.contacts_wire import (
    CONTACT_EXAMPLE,
    CONTACT_LIST_EXAMPLE,
    contact_body,
    contact_list_body,
    contact_order,
    is_descending,
)
from supportdesk.api.v3.docs import READ_ERRORS, WRITE_ERRORS
from supportdesk.api.v3.wire import json_response
from supportdesk.contacts.schemas import ContactCreate, ContactUpdate
from supportdesk.contacts.service import (
    create_contact,
    get_contact,
    list_contacts,
    update_contact,
)

router = APIRouter(tags=["03. Contacts"])


def _ok(description: str, example: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": description,
                  "content": {"application/json": {"example": example}}}}


PrimaryEmail = Annotated[str | None, Query(description="The primary email address of the "
                                           "contact (a secondary address also finds it).")]


@router.get(
    "/contacts",
    operation_id="GetContactsList",
    summary="List all contacts",
    responses={**_ok("One page of 30 contacts and the total count", CONTACT_LIST_EXAMPLE),
               **READ_ERRORS},
)
def get_contacts(
    unit: ReplicaReadUnit,
    offset: Annotated[str | None, Query(description="Skip this many contacts; pages hold "
                                        "30.")] = None,
    company: Annotated[str | None, Query(description="Only the contacts of the company with "
                                         "this name.")] = None,
    order_by: Annotated[str | None, Query(description="1 name (default), 2 title, "
                                          "3 company name, 4 email.")] = None,
    order_type: Annotated[str | None, Query(description="asc (default) or desc.")] = None,
) -> Response:
    """Contacts by name A to Z unless ``order_by``/``order_type`` say otherwise."""
    page = list_contacts(
        unit, offset=params.offset(offset), company=company,
        order_by=contact_order(order_by), descending=is_descending(order_type),
    )
    return json_response(contact_list_body(page))


@router.get(
    "/contacts/details",
    operation_id="GetContactDetails",
    summary="Get Contact Details",
    responses={**_ok("The contact", CONTACT_EXAMPLE), **READ_ERRORS},
)
def get_contact_details(
    unit: ReadUnit,
    primary_email: PrimaryEmail = None,
    secondary_email: Annotated[str | None, Query(description="Any secondary email address "
                                                 "of the contact (instead of "
                                                 "primary_email).")] = None,
) -> Response:
    """The contact at an email address: primary or secondary."""
    if primary_email is None and secondary_email is not None:
        contact = get_contact(unit, email=secondary_email, field="secondary_email")
    else:
        contact = get_contact(unit, email=primary_email or "", field="primary_email")
    return json_response(contact_body(contact))


@router.post(
    "/contacts/create",
    operation_id="CreateContact",
    summary="Add a contact",
    responses={**_ok("The new contact", CONTACT_EXAMPLE), **WRITE_ERRORS},
)
def post_contact(unit: WriteUnit, body: ContactCreate) -> Response:
    """Create a contact; without ``company_name`` it joins its email domain's company."""
    return json_response(contact_body(create_contact(unit, data=body)))


@router.put(
    "/contacts/update",
    operation_id="updateContact",
    summary="Update a contact",
    responses={**_ok("The contact after the change", CONTACT_EXAMPLE), **WRITE_ERRORS},
)
def put_contact(unit: WriteUnit, body: ContactUpdate,
                primary_email: PrimaryEmail = None) -> Response:
    """Change only the fields sent; the primary email itself cannot change."""
    contact = update_contact(unit, email=primary_email or "", changes=body)
    return json_response(contact_body(contact))
