"""Companies on the wire: Desk365 field names and the two shapes of ``domains``.

List items carry ``domains`` as an array of strings; details, create and
update responses carry it as one comma-separated string (null when empty).
"""

from __future__ import annotations

from typing import Any

from supportdesk.api.v3.wire import wire_time
from supportdesk.companies.schemas import CompanyPage, CompanyRead
from supportdesk.companies.service import HELPDESK_DEFAULT_SLA


def _fields(company: CompanyRead) -> dict[str, Any]:
    return {
        "name": company.name,
        "description": company.description,
        "phone": company.phone,
        "address": company.address,
        "city": company.city,
        "state": company.state,
        "country": company.country,
        "zipcode": company.zipcode,
        "sla": company.sla_policy if company.sla_policy is not None else HELPDESK_DEFAULT_SLA,
    }


def company_item(company: CompanyRead) -> dict[str, Any]:
    """A company as a list item: ``domains`` is an array."""
    return {**_fields(company), "domains": list(company.domains),
            "created_on": wire_time(company.created_at),
            "updated_on": wire_time(company.updated_at)}


def company_body(company: CompanyRead) -> dict[str, Any]:
    """A company in details/create/update responses: ``domains`` is a comma string."""
    return {**_fields(company), "domains": ", ".join(company.domains) or None,
            "created_on": wire_time(company.created_at),
            "updated_on": wire_time(company.updated_at)}


def company_list_body(page: CompanyPage) -> dict[str, Any]:
    """``{"count": <total>, "content": [...]}``."""
    return {"count": page.total, "content": [company_item(c) for c in page.items]}


_EXAMPLE_FIELDS: dict[str, Any] = {
    "name": "Contoso", "description": "Our biggest customer", "phone": "123456789",
    "address": "1 Main Street", "city": "Springfield", "state": "IL", "country": "USA",
    "zipcode": "62701", "sla": "helpdesk default",
}
_EXAMPLE_TIMES = {"created_on": "2026-01-05 09:00:00", "updated_on": "2026-01-05 09:00:00"}
COMPANY_EXAMPLE: dict[str, Any] = {**_EXAMPLE_FIELDS, "domains": "contoso.com, orcael.com",
                                   **_EXAMPLE_TIMES}
COMPANY_LIST_EXAMPLE: dict[str, Any] = {
    "count": 1,
    "content": [{**_EXAMPLE_FIELDS, "domains": ["contoso.com", "orcael.com"], **_EXAMPLE_TIMES}],
}
