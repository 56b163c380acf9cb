"""Ticket endpoints: list, details, create, update. Parse, call one service, return."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from starlette.responses import Response

from supportdesk.api.deps import ReadUnit, ReplicaReadUnit, TicketQuotaDep, WriteUnit
from supportdesk.api.v3 import examples
from supportdesk.api.v3.docs import READ_ERRORS, WRITE_ERRORS
from supportdesk.api.v3.params import choice, flag, offset, ticket_number
from supportdesk.api.v3.schemas.tickets import CreateTicketBody, UpdateTicketBody
from supportdesk.api.v3.tickets_wire import (
    ListOptions,
    attachment_json,
    ticket_json,
    ticket_page_json,
)
from supportdesk.api.v3.wire import json_response, parse_wire_time
from supportdesk.catalog.snapshot import Catalog
from supportdesk.errors import BadRequest
from supportdesk.tickets.filters import parse_filters
from supportdesk.tickets.listing import TicketQuery, list_tickets
from supportdesk.tickets.service import (
    NewTicket,
    TicketChanges,
    TicketView,
    create_ticket,
    ticket_details,
    update_ticket,
)

router = APIRouter(tags=["02. Tickets"])

Str = Annotated[str | None, Query()]


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def details_json(view: TicketView, catalog: Catalog, base: str, *,
                 with_attachments: bool = True, with_survey: bool = False) -> dict[str, Any]:
    return ticket_json(
        view.ticket, catalog, contact_email=view.contact_email,
        contact_name=view.contact_name, company_name=view.company_name, details=True,
        attachments=[attachment_json(base, a) for a in view.attachments]
        if with_attachments else None,
        options=ListOptions(include_survey_details=with_survey), survey=view.survey,
    )


def new_ticket(body: CreateTicketBody) -> NewTicket:
    """Map the wire body onto the service's draft."""
    return NewTicket(
        contact_email=body.email, subject=body.subject, description_html=body.description,
        status=body.status, priority=body.priority, type=body.type,
        assignee_email=body.assign_to, group=body.group, category=body.category,
        subcategory=body.sub_category, form_name=body.form_name,
        custom_fields=body.custom_fields, watchers=body.watchers, share_to=body.share_to,
    )


@router.get(
    "/tickets",
    operation_id="GetTicketList",
    summary="List all tickets",
    description="Tickets newest first (by default), 30, 50 or 100 per page, with the total "
    "`count` of matches and a `next_page` URL while more remain. `filters` is a JSON object "
    "of arrays of strings: OR within a key, AND across keys, `\"--\"` for unset.",
    responses={200: {"description": "A page of tickets",
                     "content": {"application/json": {"example": examples.TICKET_LIST}}},
               **READ_ERRORS},
)
def get_ticket_list(
    request: Request,
    unit: ReplicaReadUnit,
    quota: TicketQuotaDep,
    ticket_count: Annotated[str | None, Query(description="30, 50 or 100")] = None,
    offset_: Annotated[str | None, Query(alias="offset", description="Records to skip")] = None,
    include_description: Annotated[str | None, Query(description="0 or 1")] = None,
    include_custom_fields: Annotated[str | None, Query(description="0 or 1")] = None,
    include_survey_details: Annotated[str | None, Query(description="0 or 1")] = None,
    nested_fields: Annotated[str | None, Query(description="1 flattens cf_ and sv_ keys")]
    = None,
    order_by: Annotated[str | None, Query(description="created_time or updated_time")] = None,
    order_type: Annotated[str | None, Query(description="asc or desc")] = None,
    updated_since: Annotated[str | None, Query(description="YYYY-MM-DD HH:MM:SS (UTC)")]
    = None,
    filters: Annotated[str | None, Query(description='e.g. {"status": ["Open"], '
                                                     '"priority": ["20"]}')] = None,
) -> Response:
    """One page of the tenant's tickets in the Desk365 list shape."""
    page_size = int(choice(ticket_count, "ticket_count", ("30", "50", "100"), "30"))
    since = None
    if updated_since is not None and updated_since.strip():
        since = parse_wire_time(updated_since)
        if since is None:
            raise BadRequest(f"updated_since must be a time as 'YYYY-MM-DD HH:MM:SS', got "
                             f"{updated_since!r}")
    options = ListOptions(
        include_description=flag(include_description, "include_description"),
        include_custom_fields=flag(include_custom_fields, "include_custom_fields"),
        include_survey_details=flag(include_survey_details, "include_survey_details"),
        flatten=flag(nested_fields, "nested_fields"),
    )
    query = TicketQuery(
        page_size=page_size,
        offset=offset(offset_),
        order_by_updated=choice(order_by, "order_by", ("created_time", "updated_time"),
                                "created_time") == "updated_time",
        descending=choice(order_type, "order_type", ("asc", "desc"), "desc") == "desc",
        updated_since=since,
        filters=parse_filters(filters),
        with_description=options.include_description,
        with_custom_fields=options.include_custom_fields,
        with_surveys=options.include_survey_details,
    )
    page = list_tickets(unit, query)
    quota.charge(len(page.rows))
    return json_response(ticket_page_json(
        page, unit.catalog, options, offset=query.offset, page_size=page_size,
        next_page_url=str(request.url.include_query_params(offset=str(query.offset + page_size)))))


@router.get(
    "/tickets/details",
    operation_id="GetTicketDetails",
    summary="Get ticket details",
    responses={200: {"description": "The ticket",
                     "content": {"application/json": {"example": examples.TICKET}}},
               **READ_ERRORS},
)
def get_ticket_details(
    request: Request,
    unit: ReadUnit,
    number: Annotated[str | None, Query(alias="ticket_number")] = None,
    include_survey_details: Annotated[str | None, Query(
        description="0 or 1 (not in the vendor document): 1 adds `survey_rating`, the latest "
        "survey sent on the ticket")] = None,
) -> Response:
    """Every field of one ticket, custom fields and attachments included."""
    with_survey = flag(include_survey_details, "include_survey_details")
    view = ticket_details(unit, ticket_number(number), with_survey=with_survey)
    return json_response(details_json(view, unit.catalog, base_url(request),
                                      with_survey=with_survey))


@router.post(
    "/tickets/create",
    operation_id="CreateNewTicketFromAPI",
    summary="Create a ticket",
    description="Opens a ticket for the contact at `email` (created if unknown). Omitted "
    "fields take the helpdesk's defaults; `source` is 15 (API).",
    responses={200: {"description": "The created ticket",
                     "content": {"application/json": {"example": examples.TICKET}}},
               **WRITE_ERRORS},
)
def post_create_ticket(
    request: Request,
    unit: WriteUnit,
    body: Annotated[CreateTicketBody, Body(openapi_examples=examples.CREATE_TICKET_EXAMPLES)],
) -> Response:
    """Create a ticket and answer with all of it (200, as Desk365 does)."""
    view = create_ticket(unit, new_ticket(body))
    return json_response(details_json(view, unit.catalog, base_url(request)))


@router.put(
    "/tickets/update",
    operation_id="UpdateTicketFromAPI",
    summary="Update a ticket",
    description="Only the fields present change. `assign_to`, `group`, `category` and "
    "`sub_category` are cleared with `\"--\"`; `watchers` and `share_to` take "
    "`{\"add\": [...], \"remove\": [...]}`.",
    responses={200: {"description": "The updated ticket (without attachments)",
                     "content": {"application/json": {"example": examples.TICKET_UPDATED}}},
               **WRITE_ERRORS},
)
def put_update_ticket(
    request: Request,
    unit: WriteUnit,
    body: Annotated[UpdateTicketBody, Body(openapi_examples=examples.UPDATE_TICKET_EXAMPLES)],
    number: Annotated[str | None, Query(alias="ticket_number")] = None,
) -> Response:
    """Apply a partial update and answer with the ticket."""
    changes = TicketChanges(
        present=frozenset(body.model_fields_set),
        subject=body.subject, description_html=body.description, status=body.status,
        priority=body.priority, type=body.type, assignee_email=body.assign_to,
        group=body.group, category=body.category, subcategory=body.sub_category,
        sla=body.sla, contact_email=body.contact_email, custom_fields=body.custom_fields,
        watchers_add=body.watchers.add if body.watchers else [],
        watchers_remove=body.watchers.remove if body.watchers else [],
        share_to_add=body.share_to.add if body.share_to else [],
        share_to_remove=body.share_to.remove if body.share_to else [],
    )
    view = update_ticket(unit, ticket_number(number), changes)
    return json_response(details_json(view, unit.catalog, base_url(request),
                                      with_attachments=False))
