"""Finding, creating and updating contacts."""

from __future__ import annotations

from sqlalchemy import select

from supportdesk.companies.models import CompanyDomain
from supportdesk.contacts.models import Contact, ContactEmail
from supportdesk.db.sequences import next_id
from supportdesk.text import normalize_email
from supportdesk.unit import TenantUnit


def find_by_email(unit: TenantUnit, email: str) -> Contact | None:
    """The contact whose primary or secondary address is ``email`` (case-insensitive)."""
    address = email.strip().lower()
    contact = unit.session.scalar(select(Contact).where(Contact.primary_email == address))
    if contact is not None:
        return contact
    contact_id = unit.session.scalar(
        select(ContactEmail.contact_id).where(ContactEmail.email == address)
    )
    if contact_id is None:
        return None
    return unit.session.scalar(select(Contact).where(Contact.id == contact_id))


def company_for_email(unit: TenantUnit, email: str) -> int | None:
    """The company whose ``domains`` include the address's domain, if any."""
    domain = email.rsplit("@", 1)[-1].lower()
    return unit.session.scalar(
        select(CompanyDomain.company_id).where(CompanyDomain.domain == domain)
    )


def find_or_create_contact(
    unit: TenantUnit, *, email: str, name: str | None = None, field: str = "email"
) -> Contact:
    """The contact at ``email``, created (and joined to its domain's company) if unknown.

    Does not commit: ticket creation calls it inside its own transaction.
    """
    address = normalize_email(email, field=field)
    contact = find_by_email(unit, address)
    if contact is not None:
        return contact
    now = unit.clock.now()
    contact = Contact(
        id=next_id(unit.session, "contacts"),
        name=(name or "").strip() or address.split("@", 1)[0],
        primary_email=address,
        company_id=company_for_email(unit, address),
        is_deleted=False,
        created_at=now,
        updated_at=now,
    )
    unit.session.add(contact)
    unit.session.flush()
    return contact
