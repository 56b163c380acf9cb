"""Contacts on the wire: Desk365 field names, list envelope and order codes."""

from __future__ import annotations

from typing import Any

from supportdesk.api.v3.params import choice
from supportdesk.api.v3.wire import wire_time
from supportdesk.contacts.schemas import ContactPage, ContactRead
from supportdesk.contacts.service import ContactOrder

# ``order_by`` codes of ``GET contacts``.
ORDER_BY: dict[str, ContactOrder] = {"1": "name", "2": "title", "3": "company", "4": "email"}
ORDER_TYPES = ("asc", "desc")


def contact_order(value: str | None) -> ContactOrder:
    """The sort named by an ``order_by`` code (default 1, name); 400 for anything else."""
    return ORDER_BY[choice(value, "order_by", tuple(ORDER_BY), "1")]


def is_descending(value: str | None) -> bool:
    """``order_type``: ``asc`` (the default) or ``desc``; 400 for anything else."""
    return choice(value, "order_type", ORDER_TYPES, "asc") == "desc"


def contact_body(contact: ContactRead) -> dict[str, Any]:
    """One contact, every field present (list items, details, create and update)."""
    return {
        "name": contact.name,
        "primary_email": contact.primary_email,
        "secondary_emails": ", ".join(contact.secondary_emails) or None,
        "title": contact.title,
        "mobile": contact.mobile,
        "phone": contact.phone,
        "company_name": contact.company_name,
        "is_deleted": int(contact.is_deleted),
        "created_on": wire_time(contact.created_at),
        "updated_on": wire_time(contact.updated_at),
    }


def contact_list_body(page: ContactPage) -> dict[str, Any]:
    """``{"count": <total>, "content": [...]}``."""
    return {"count": page.total, "content": [contact_body(c) for c in page.items]}


CONTACT_EXAMPLE: dict[str, Any] = {
    "name": "Joe", "primary_email": "joe@contoso.com",
    "secondary_emails": "joe@contoso.onmicrosoft.com, joe.home@example.com",
    "title": "Manager", "mobile": "123456789", "phone": None, "company_name": "Contoso",
    "is_deleted": 0, "created_on": "2026-01-05 09:00:00", "updated_on": "2026-01-05 09:00:00",
}
CONTACT_LIST_EXAMPLE: dict[str, Any] = {"count": 1, "content": [CONTACT_EXAMPLE]}
