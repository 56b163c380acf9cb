"""Export columns: named as the Desk365 v3 wire format names the fields.

Each row is built by the same wire function the JSON API answers with
(``api/v3/*_wire.py``), so a column holds exactly what the API shows for that
field (timestamps as ``YYYY-MM-DD HH:MM:SS`` UTC, names rather than ids,
durations in minutes). The export is one more adapter over the wire names,
which is why this domain reads them from ``api/v3``.

Tickets: every field of a list item fetched with ``include_custom_fields=1``
and ``nested_fields=0``, plus ``description_text`` after ``subject``, then
one ``cf_<Label>`` column per custom field the tenant defines (in the order
the settings list them). The HTML ``description`` and survey ratings are
left out: a spreadsheet cannot show HTML, and surveys have their own API.
"""

from __future__ import annotations

from supportdesk.api.v3.companies_wire import company_body
from supportdesk.api.v3.contacts_wire import contact_body
from supportdesk.api.v3.tickets_wire import ListOptions, ticket_json
from supportdesk.catalog.snapshot import Catalog
from supportdesk.companies.schemas import CompanyRead
from supportdesk.contacts.schemas import ContactRead
from supportdesk.exports.csvfile import Cell
from supportdesk.tickets.models import Ticket

TICKET_FIELDS = (
    "ticket_number", "contact_email", "contact_name", "subject", "description_text",
    "status", "priority", "type", "source", "form_name", "form_is_deleted", "assigned_to",
    "company_name", "sla", "group", "category", "subcategory", "created_on", "updated_on",
    "resolved_on", "closed_on", "due_date", "first_response_time", "first_assigned_time",
    "first_assigned_duration", "resolved_duration", "first_replied_duration",
    "closed_duration", "watchers", "share_to", "conversation_count",
)
CONTACT_FIELDS = (
    "name", "primary_email", "secondary_emails", "title", "mobile", "phone", "company_name",
    "is_deleted", "created_on", "updated_on",
)
COMPANY_FIELDS = (
    "name", "description", "phone", "address", "city", "state", "country", "zipcode",
    "sla", "domains", "created_on", "updated_on",
)
_FLAT_CUSTOM_FIELDS = ListOptions(include_custom_fields=True, flatten=True)


def ticket_header(catalog: Catalog) -> list[str]:
    """The ticket columns: the wire fields, then ``cf_<Label>`` per defined field."""
    return [*TICKET_FIELDS, *(definition.wire_key for definition in catalog.custom_fields)]


def ticket_row(ticket: Ticket, catalog: Catalog, header: list[str], *, contact_email: str,
               contact_name: str, company_name: str | None) -> list[Cell]:
    """One ticket's cells in ``header`` order."""
    body = ticket_json(ticket, catalog, contact_email=contact_email, contact_name=contact_name,
                       company_name=company_name, details=False, options=_FLAT_CUSTOM_FIELDS)
    body["description_text"] = ticket.description_text
    return [body[name] for name in header]


def contact_row(contact: ContactRead) -> list[Cell]:
    """One contact's cells in ``CONTACT_FIELDS`` order."""
    body = contact_body(contact)
    return [body[name] for name in CONTACT_FIELDS]


def company_row(company: CompanyRead) -> list[Cell]:
    """One company's cells in ``COMPANY_FIELDS`` order (``domains`` comma-separated)."""
    body = company_body(company)
    return [body[name] for name in COMPANY_FIELDS]
