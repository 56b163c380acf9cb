"""The ``/apis/v3`` router: every v3 route module, in the order of the docs."""

from __future__ import annotations

from fastapi import APIRouter

from supportdesk.api.v3.routes import (
    agents,
    asset_locations,
    attachments,
    companies,
    contacts,
    contracts,
    kb_articles,
    kb_categories,
    kb_folders,
    ping,
    surveys,
    ticket_messages,
    ticket_search,
    tickets,
    time_entries,
)

V3_PREFIX = "/apis/v3"

ROUTE_MODULES = (
    ping, ticket_search, tickets, ticket_messages, contacts, companies, time_entries, surveys,
    kb_categories, kb_folders, kb_articles, contracts, agents, attachments, asset_locations,
)


def build_v3_router() -> APIRouter:
    router = APIRouter(prefix=V3_PREFIX)
    for module in ROUTE_MODULES:
        router.include_router(module.router)
    return router
