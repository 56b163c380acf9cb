"""Admin API: CSV exports of tickets, contacts and companies (streamed)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from starlette.responses import StreamingResponse

from supportdesk.api.admin.deps import AdminDep
from supportdesk.api.deps import (
    ClockDep,
    DatabaseDep,
    SettingsDep,
    StorageDep,
    replica_read_unit,
)
from supportdesk.api.v3.docs import errors
from supportdesk.api.v3.params import flag
from supportdesk.exports.service import (
    Export,
    export_companies,
    export_contacts,
    export_tickets,
    ticket_export_query,
)
from supportdesk.unit import TenantUnit

router = APIRouter(tags=["Admin: Exports"])

ERRORS = errors(400, 401, 403, 429)
NEUTRALISED = (
    " Text cells that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, "
    "`@`, tab, carriage return or line feed, or their full-width forms, after any leading "
    "spaces) are prefixed with `'`; see docs/api.md, Exports."
)
Bom = Annotated[str | None, Query(
    description="`1`: start the file with a UTF-8 byte-order mark, which Excel needs to "
    "read non-ASCII text correctly; `0` (default): no mark.")]


async def get_export_unit(
    database: DatabaseDep, settings: SettingsDep, clock: ClockDep, storage: StorageDep,
    tenant: AdminDep,
) -> AsyncIterator[TenantUnit]:
    """An administrator's read unit on a replica when one can serve (exports tolerate lag).

    It stays open while the response streams: FastAPI closes dependencies
    with ``yield`` after the response is sent.
    """
    async with replica_read_unit(database, settings, clock, storage, tenant=tenant) as unit:
        yield unit


ExportUnit = Annotated[TenantUnit, Depends(get_export_unit)]


class CsvResponse(StreamingResponse):
    """A CSV file streamed as it is read (``text/csv; charset=utf-8``)."""

    media_type = "text/csv"


def _ok(example: str, description: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": description,
                  "content": {"text/csv": {"schema": {"type": "string"},
                                           "example": example}}},
            **ERRORS}


def _respond(export: Export, unit: TenantUnit, bom: str | None) -> CsvResponse:
    with_bom = flag(bom, "bom")
    name = export.file_name(unit.subdomain, unit.clock.now().date())
    return CsvResponse(export.chunks(bom=with_bom), headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
    })


TICKETS_EXAMPLE = (
    '"ticket_number","contact_email","contact_name","subject","description_text",...,'
    '"cf_Department"\r\n'
    '1,"joe@contoso.com","Joe","\'=HYPERLINK(""https://evil.example"")","Printer jam",...,'
    '"Sales"\r\n'
)
CONTACTS_EXAMPLE = (
    '"name","primary_email","secondary_emails","title","mobile","phone","company_name",'
    '"is_deleted","created_on","updated_on"\r\n'
    '"Joe","joe@contoso.com","","Manager","\'+44 20 7946 0000","","Contoso",0,'
    '"2026-01-05 09:00:00","2026-01-05 09:00:00"\r\n'
)
COMPANIES_EXAMPLE = (
    '"name","description","phone","address","city","state","country","zipcode","sla",'
    '"domains","created_on","updated_on"\r\n'
    '"Contoso","Our biggest customer","123456789","1 Main Street","Springfield","IL",'
    '"USA","62701","helpdesk default","contoso.com, orcael.com","2026-01-05 09:00:00",'
    '"2026-01-05 09:00:00"\r\n'
)


@router.get("/exports/tickets.csv", operation_id="AdminExportTickets",
            response_class=CsvResponse, summary="Export tickets as CSV",
            description="Every ticket matching `filters` and `updated_since` (as the ticket "
            "list reads them), by ticket number, one consistent snapshot, streamed. "
            "Columns are the list item's fields with `include_custom_fields=1`, plus "
            "`description_text`, then one `cf_<Label>` column per custom field."
            + NEUTRALISED,
            responses=_ok(TICKETS_EXAMPLE, "The tickets as a CSV file (RFC 4180, UTF-8)"))
def get_tickets_csv(
    unit: ExportUnit,
    updated_since: Annotated[str | None, Query(
        description="Only tickets updated at or after this time, YYYY-MM-DD HH:MM:SS "
        "(UTC)")] = None,
    filters: Annotated[str | None, Query(
        description='As the ticket list: e.g. {"status": ["Open"], "priority": ["20"]}')]
    = None,
    bom: Bom = None,
) -> CsvResponse:
    """The tenant's tickets as a CSV attachment."""
    return _respond(export_tickets(unit, ticket_export_query(filters, updated_since)),
                    unit, bom)


@router.get("/exports/contacts.csv", operation_id="AdminExportContacts",
            response_class=CsvResponse, summary="Export contacts as CSV",
            description="Every contact (deleted ones too), by id, one consistent snapshot, "
            "streamed; columns as the contacts API names the fields." + NEUTRALISED,
            responses=_ok(CONTACTS_EXAMPLE, "The contacts as a CSV file (RFC 4180, UTF-8)"))
def get_contacts_csv(unit: ExportUnit, bom: Bom = None) -> CsvResponse:
    """The tenant's contacts as a CSV attachment."""
    return _respond(export_contacts(unit), unit, bom)


@router.get("/exports/companies.csv", operation_id="AdminExportCompanies",
            response_class=CsvResponse, summary="Export companies as CSV",
            description="Every company, by id, one consistent snapshot, streamed; columns "
            "as the companies API names the fields (`domains` comma-separated)."
            + NEUTRALISED,
            responses=_ok(COMPANIES_EXAMPLE, "The companies as a CSV file (RFC 4180, UTF-8)"))
def get_companies_csv(unit: ExportUnit, bom: Bom = None) -> CsvResponse:
    """The tenant's companies as a CSV attachment."""
    return _respond(export_companies(unit), unit, bom)
