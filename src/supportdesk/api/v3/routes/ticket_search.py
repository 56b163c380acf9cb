"""Ticket search, simple and advanced. Parse, call one service, return."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from supportdesk.api.deps import ReplicaReadUnit, TicketQuotaDep
from supportdesk.api.v3 import examples
from supportdesk.api.v3.docs import READ_ERRORS
from supportdesk.api.v3.params import choice, flag, offset
from supportdesk.api.v3.tickets_wire import ListOptions, ticket_page_json
from supportdesk.api.v3.wire import json_response
from supportdesk.search.query import parse_search
from supportdesk.search.service import ORDERS, SearchPage, search_tickets

router = APIRouter(tags=["02. Tickets"])

SIMPLE_EXAMPLE = '{"query": "printer jam*", "search_in": [1, 2, 3]}'
SEARCH_RESULT_EXAMPLE = {
    **examples.TICKET_LIST,
    "next_page": "http://demo.localhost:8080/apis/v3/tickets/search?search_type=1&"
                 "search_query=%7B%22query%22%3A+%22printer%22%7D&offset=30",
}
ADVANCED_EXAMPLE = ('{"search_term": [{"query": "printer", "search_in": ["subject"]}, '
                    '{"query": "Sales", "search_in": ["cf_Department"]}]}')


@router.get(
    "/tickets/search",
    operation_id="SearchTickets",
    summary="Search tickets",
    description="Full-text search, answered like the ticket list (`count`, `tickets`, "
    "`next_page`). `search_type` 1 (simple): `search_query` is "
    f"`{SIMPLE_EXAMPLE}`; `search_in` codes: 1 subject and number, 2 description, "
    "3 conversations, 4 attachment names, 5 text custom fields (text and paragraph; "
    "dropdown and multi-select fields are searched by name in advanced search), "
    "6 contact and company, 7 include archived (no effect); none means 1-6. "
    "`search_type` 2 (advanced): every term must match, each within one of its fields "
    f"(`subject`, `ticket_number`, `cf_<Label>`), e.g. `{ADVANCED_EXAMPLE}`. Words match in "
    "any order with English stemming; `\"a phrase\"` matches as written; `word*` matches "
    "words starting with `word` (a `*` anywhere else in a word is a 400). `count` is "
    "exact: no result ceiling.",
    responses={200: {"description": "A page of matching tickets",
                     "content": {"application/json": {"example": SEARCH_RESULT_EXAMPLE}}},
               **READ_ERRORS},
)
def get_ticket_search(
    request: Request,
    unit: ReplicaReadUnit,
    quota: TicketQuotaDep,
    search_type: Annotated[str | None, Query(description="1 simple (default), 2 advanced")]
    = None,
    search_query: Annotated[str | None, Query(description=f"e.g. {SIMPLE_EXAMPLE}")] = None,
    ticket_count: Annotated[str | None, Query(description="30, 50 or 100")] = None,
    offset_: Annotated[str | None, Query(alias="offset", description="Records to skip")] = None,
    include_description: Annotated[str | None, Query(description="0 or 1")] = None,
    include_custom_fields: Annotated[str | None, Query(description="0 or 1")] = None,
    include_survey_details: Annotated[str | None, Query(description="0 or 1")] = None,
    nested_fields: Annotated[str | None, Query(description="1 flattens cf_ and sv_ keys")]
    = None,
    order_by: Annotated[str | None, Query(description="relevance (default), created_time "
                                                      "or updated_time")] = None,
    order_type: Annotated[str | None, Query(description="desc (default: best or newest "
                                                        "first) or asc")] = None,
) -> Response:
    """One page of the tenant's tickets matching the search, in the list's shape."""
    page_size = int(choice(ticket_count, "ticket_count", ("30", "50", "100"), "30"))
    options = ListOptions(
        include_description=flag(include_description, "include_description"),
        include_custom_fields=flag(include_custom_fields, "include_custom_fields"),
        include_survey_details=flag(include_survey_details, "include_survey_details"),
        flatten=flag(nested_fields, "nested_fields"),
    )
    page = SearchPage(
        page_size=page_size,
        offset=offset(offset_),
        order_by=choice(order_by, "order_by", ORDERS, "relevance"),
        descending=choice(order_type, "order_type", ("asc", "desc"), "desc") == "desc",
        with_description=options.include_description,
        with_surveys=options.include_survey_details,
    )
    found = search_tickets(unit, parse_search(search_type, search_query), page)
    quota.charge(len(found.rows))
    return json_response(ticket_page_json(
        found, unit.catalog, options, offset=page.offset, page_size=page_size,
        next_page_url=str(request.url.include_query_params(offset=str(page.offset + page_size)))))
