"""Finding, listing, creating and updating contacts (the helpdesk's customers).

A contact is known by a primary email address and any number of secondary
addresses; every address belongs to at most one contact in a helpdesk.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from supportdesk.companies.models import Company, CompanyDomain
from supportdesk.companies.service import find_company
from supportdesk.contacts.models import Contact, ContactEmail
from supportdesk.contacts.schemas import ContactCreate, ContactPage, ContactRead, ContactUpdate
from supportdesk.db.base import table_of
from supportdesk.db.scoping import run_scoped, tenant_criterion
from supportdesk.db.sequences import next_id
from supportdesk.errors import BadRequest, Conflict, NotFound
from supportdesk.search.index import reindex_contact_tickets
from supportdesk.text import blank_to_none, normalize_email, split_email_list
from supportdesk.unit import TenantUnit

ContactOrder = Literal["name", "title", "company", "email"]
PAGE_SIZE = 30
_OPTIONAL_TEXT = ("title", "mobile", "phone")


def find_by_email(unit: TenantUnit, email: str, *, primary_checked: bool = False
                  ) -> Contact | None:
    """The contact whose primary or secondary address is ``email`` (case-insensitive).

    ``primary_checked``: the caller already knows no contact has it as primary.
    """
    address = email.strip().lower()
    if not primary_checked:
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


@dataclass(frozen=True)
class ContactRef:
    """What a new ticket needs of its contact: who, and which company."""

    id: int
    name: str
    primary_email: str
    company_id: int | None


_CONTACTS = table_of(Contact)
# A ticket's creator is almost always a known contact by primary address: one
# prebuilt read (db.scoping.run_scoped) instead of the ORM's, on the create path.
_BY_PRIMARY_EMAIL = (
    select(_CONTACTS.c.id, _CONTACTS.c.name, _CONTACTS.c.primary_email, _CONTACTS.c.company_id)
    .where(tenant_criterion(_CONTACTS), _CONTACTS.c.primary_email == bindparam("email"))
)


def contact_for_ticket(unit: TenantUnit, *, email: str, field: str = "email") -> ContactRef:
    """The contact a ticket from ``email`` belongs to, created if unknown (no commit).

    The same contact ``find_or_create_contact`` gives; known primary
    addresses take one prebuilt read.
    """
    address = normalize_email(email, field=field)
    row = run_scoped(unit.session, _BY_PRIMARY_EMAIL, {"email": address}).first()
    if row is None:
        contact = find_or_create_contact(unit, email=address, field=field,
                                         primary_checked=True)
        return ContactRef(id=contact.id, name=contact.name, primary_email=contact.primary_email,
                          company_id=contact.company_id)
    return ContactRef(id=row.id, name=row.name, primary_email=row.primary_email,
                      company_id=row.company_id)


def find_or_create_contact(
    unit: TenantUnit, *, email: str, name: str | None = None, field: str = "email",
    primary_checked: bool = False,
) -> Contact:
    """The contact at ``email``, created (and joined to its domain's company) if unknown.

    Does not commit: ticket creation calls it inside its own transaction.
    Two requests may create the same new contact at once (on PostgreSQL);
    the loser's insert fails on the unique email inside a savepoint and it
    takes the winner's row instead of failing the request.
    """
    address = normalize_email(email, field=field)
    contact = find_by_email(unit, address, primary_checked=primary_checked)
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
    try:
        with unit.session.begin_nested():
            unit.session.add(contact)
    except IntegrityError:
        existing = find_by_email(unit, address)
        if existing is None:
            raise
        return existing
    return contact


def list_contacts(
    unit: TenantUnit,
    *,
    offset: int = 0,
    company: str | None = None,
    order_by: ContactOrder = "name",
    descending: bool = False,
    limit: int = PAGE_SIZE,
) -> ContactPage:
    """One page of the helpdesk's contacts and the total, optionally of one company only.

    An unknown company name is not an error: it simply has no contacts.
    Contacts without the sorted value (no title, no company) come last either way.
    """
    conditions: list[ColumnElement[bool]] = []
    if company is not None and company.strip():
        found = find_company(unit, company, field="company")
        if found is None:
            return ContactPage(total=0, items=[])
        conditions.append(Contact.company_id == found.id)
    total = unit.session.scalar(
        select(func.count()).select_from(Contact).where(*conditions)
    ) or 0
    sort_key = {
        "name": func.lower(Contact.name),
        "title": func.lower(Contact.title),
        "company": func.lower(Company.name),
        "email": Contact.primary_email,
    }[order_by]
    direction = sort_key.desc() if descending else sort_key.asc()
    rows = unit.session.execute(
        select(Contact, Company.name)
        .outerjoin(Company, Company.id == Contact.company_id)
        .where(*conditions)
        # Ties fall back to name, then the (unique) email, so pages never overlap.
        .order_by(direction.nulls_last(), func.lower(Contact.name), Contact.primary_email)
        .offset(offset)
        .limit(limit)
    ).all()
    emails = _secondary_emails_of(unit, [contact.id for contact, _ in rows])
    return ContactPage(
        total=total,
        items=[_read(contact, company_name, emails.get(contact.id, []))
               for contact, company_name in rows],
    )


def get_contact(unit: TenantUnit, *, email: str, field: str = "primary_email") -> ContactRead:
    """The contact reachable at ``email`` (a primary or a secondary address); 404 if none."""
    contact = _require(unit, email, field=field)
    return _read_one(unit, contact)


def create_contact(unit: TenantUnit, *, data: ContactCreate) -> ContactRead:
    """Add a customer.

    Every address (primary and secondary) must be new to the helpdesk. A named
    company must exist; without one, the contact joins the company that owns
    its primary address's domain, if any.
    """
    name = blank_to_none(data.name)
    if name is None:
        raise BadRequest("name is required and must not be empty")
    primary = _email(data.primary_email, field="primary_email")
    secondaries = _secondary_emails(data.secondary_emails, primary=primary)
    _ensure_addresses_free(unit, primary=primary, secondaries=secondaries, contact_id=None)
    company_name = blank_to_none(data.company_name)
    if company_name is not None:
        company_id: int | None = _company_id(unit, company_name)
    else:
        company_id = company_for_email(unit, primary)
    now = unit.clock.now()
    contact = Contact(
        id=next_id(unit.session, "contacts"),
        name=name,
        primary_email=primary,
        company_id=company_id,
        is_deleted=False,
        created_at=now,
        updated_at=now,
        **{attribute: blank_to_none(getattr(data, attribute)) for attribute in _OPTIONAL_TEXT},
    )
    unit.session.add(contact)
    _add_secondary_emails(unit, contact.id, secondaries)
    _flush(unit, primary)
    unit.commit()
    return _read_one(unit, contact)


def update_contact(unit: TenantUnit, *, email: str, changes: ContactUpdate) -> ContactRead:
    """Change the fields present in ``changes`` of the contact at ``email``.

    The primary address is the contact's identity and cannot change.
    ``secondary_emails``, when present, replaces the whole list; an empty
    ``company_name`` takes the contact out of its company.
    """
    present = changes.model_fields_set
    if "primary_email" in present:
        raise BadRequest("primary_email cannot be changed")
    contact = _require(unit, email, field="primary_email")
    if "name" in present:
        name = blank_to_none(changes.name)
        if name is None:
            raise BadRequest("name must not be empty")
        contact.name = name
    for attribute in _OPTIONAL_TEXT:
        if attribute in present:
            setattr(contact, attribute, blank_to_none(getattr(changes, attribute)))
    if "company_name" in present:
        company_name = blank_to_none(changes.company_name)
        contact.company_id = _company_id(unit, company_name) if company_name else None
    if "secondary_emails" in present:
        secondaries = _secondary_emails(changes.secondary_emails, primary=contact.primary_email)
        _ensure_addresses_free(unit, primary=None, secondaries=secondaries,
                               contact_id=contact.id)
        unit.session.execute(delete(ContactEmail).where(ContactEmail.contact_id == contact.id))
        _add_secondary_emails(unit, contact.id, secondaries)
    contact.updated_at = unit.clock.now()
    _flush(unit, contact.primary_email)
    if "name" in present:
        reindex_contact_tickets(unit, contact.id)
    unit.commit()
    return _read_one(unit, contact)


def _email(value: str, *, field: str) -> str:
    address = normalize_email(value, field=field)
    if "\x00" in address:
        raise BadRequest(f"{field} {value!r} is not a valid email address")
    return address


def _require(unit: TenantUnit, email: str, *, field: str) -> Contact:
    if not email.strip():
        raise BadRequest(f"{field} is required")
    address = _email(email, field=field)
    contact = find_by_email(unit, address)
    if contact is None:
        raise NotFound(f"no contact with the email address {address!r} exists")
    return contact


def _secondary_emails(value: str | None, *, primary: str) -> list[str]:
    addresses = split_email_list(value, field="secondary_emails")
    for address in addresses:
        if "\x00" in address:
            raise BadRequest(f"secondary_emails {address!r} is not a valid email address")
        if address == primary:
            raise BadRequest(f"secondary_emails must not repeat the primary email {primary!r}")
    return addresses


def _company_id(unit: TenantUnit, name: str) -> int:
    company = find_company(unit, name, field="company_name")
    if company is None:
        raise BadRequest(f"company_name {name!r} is not a company of this helpdesk; create "
                         "the company first")
    return company.id


def _ensure_addresses_free(
    unit: TenantUnit, *, primary: str | None, secondaries: list[str], contact_id: int | None
) -> None:
    """409 naming the first address that already belongs to another contact."""
    wanted = ([primary] if primary is not None else []) + secondaries
    if not wanted:
        return
    primary_query = select(Contact.primary_email).where(Contact.primary_email.in_(wanted))
    secondary_query = (
        select(ContactEmail.email, Contact.primary_email)
        .join(Contact, Contact.id == ContactEmail.contact_id)
        .where(ContactEmail.email.in_(wanted))
    )
    if contact_id is not None:
        primary_query = primary_query.where(Contact.id != contact_id)
        secondary_query = secondary_query.where(ContactEmail.contact_id != contact_id)
    # An address that is someone's primary email is owned by that contact itself.
    owners = {address: address for address in unit.session.scalars(primary_query)}
    owners.update((address, owner) for address, owner in unit.session.execute(secondary_query))
    for address in wanted:
        if address in owners:
            field = "primary_email" if address == primary else "secondary_emails"
            raise Conflict(f"{field} {address!r} already belongs to the contact "
                           f"{owners[address]!r}")


def _add_secondary_emails(unit: TenantUnit, contact_id: int, addresses: list[str]) -> None:
    for position, address in enumerate(addresses):
        unit.session.add(ContactEmail(email=address, contact_id=contact_id, position=position))


def _flush(unit: TenantUnit, primary: str) -> None:
    # Two requests racing past the checks above meet the unique indexes here.
    try:
        unit.session.flush()
    except IntegrityError:
        unit.session.rollback()
        raise Conflict(f"an email address of the contact {primary!r} was taken by another "
                       "request at the same time; try again") from None


def _secondary_emails_of(unit: TenantUnit, contact_ids: list[int]) -> dict[int, list[str]]:
    if not contact_ids:
        return {}
    emails: dict[int, list[str]] = {}
    for contact_id, address in unit.session.execute(
        select(ContactEmail.contact_id, ContactEmail.email)
        .where(ContactEmail.contact_id.in_(contact_ids))
        .order_by(ContactEmail.contact_id, ContactEmail.position, ContactEmail.email)
    ):
        emails.setdefault(contact_id, []).append(address)
    return emails


def _read_one(unit: TenantUnit, contact: Contact) -> ContactRead:
    company_name = (
        unit.session.scalar(select(Company.name).where(Company.id == contact.company_id))
        if contact.company_id is not None else None
    )
    emails = _secondary_emails_of(unit, [contact.id]).get(contact.id, [])
    return _read(contact, company_name, emails)


def _read(contact: Contact, company_name: str | None, emails: list[str]) -> ContactRead:
    return ContactRead(
        name=contact.name, primary_email=contact.primary_email, secondary_emails=emails,
        title=contact.title, mobile=contact.mobile, phone=contact.phone,
        company_name=company_name, is_deleted=contact.is_deleted,
        created_at=contact.created_at, updated_at=contact.updated_at,
    )
